package io.quiver.control.fabric;

import io.quiver.control.config.FabricOptions;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.stub.StreamObserver;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.control.service.ServiceException;
import io.quiver.dataplane.fabric.FabricSettings;
import io.quiver.dataplane.vnic.WireAddresses;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VNIC directory on etcd v3 (docs/fabric.md). A session thread keeps one session at a time: a lease with
 * keep-alives; this appliance's entry and every VNIC it runs put under it; a full read of the prefix; a watch from
 * the revision after that read, whose events update the view and reach the {@link Listener} (no polling of the
 * entries). When etcd cannot be reached the session ends, the last view stays (forwarding goes on), and changes are
 * refused; when it can again, a new session reads everything afresh (a resync, never a replay of missed events).
 */
final class EtcdDirectory implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdDirectory.class);
    /** How long one etcd call may take before the directory counts as unreachable. */
    private static final long CALL_MILLIS = 2_000;
    /** How often a session checks that its lease and entry are still there. */
    private static final long PROBE_MILLIS = 500;
    /**
     * How long a change waits while etcd cannot commit before it is refused: a dead member's clients move to another
     * member, and a dead leader's cluster elects a new one (about twice the election timeout, 1 s by default).
     */
    private static final long CHANGE_WAIT_MILLIS = 6_000;

    /** Receives the whole view after every change: the other appliances, and their VNICs in claim order. */
    interface Listener {
        void directoryChanged(List<DirectoryEntries.Appliance> appliances, List<DirectoryEntries.Vnic> vnics);
    }

    private record Held(DirectoryEntries.Vnic entry, long createRevision) {
    }

    private final Client client;
    private final FabricOptions.EtcdOptions options;
    private final FabricSettings settings;
    private final long uplinkMac;
    private final Supplier<List<VnicConfig>> localVnics;
    private final Listener listener;
    /** The memif socket this appliance listens on, or null when it takes no memif links. */
    private final String memifSocket;
    private final Thread sessions;
    private volatile boolean closed;
    private volatile boolean reachable;
    private volatile boolean sessionFailed;
    private volatile long lease;
    private volatile String lastError = "";
    private Watch.Watcher watcher;
    private CloseableClient keepAlive;
    /** The view, guarded by this. */
    private final Map<String, DirectoryEntries.Appliance> appliances = new HashMap<>();
    private final Map<String, Held> vnics = new HashMap<>();
    /** This appliance's VNICs the directory refused (a MAC another appliance holds), with the reason. */
    private final Map<String, String> unpublished = new java.util.concurrent.ConcurrentHashMap<>();
    volatile long resyncs;
    volatile long watchEvents;
    volatile long revision;

    EtcdDirectory(FabricOptions.EtcdOptions options, FabricSettings settings, long uplinkMac, String memifSocket,
                  Supplier<List<VnicConfig>> localVnics, Listener listener) {
        this.memifSocket = memifSocket;
        this.options = options;
        this.settings = settings;
        this.uplinkMac = uplinkMac;
        this.localVnics = localVnics;
        this.listener = listener;
        this.client = client(options);
        this.sessions = new Thread(this::runSessions, "quiver-fabric-etcd");
        this.sessions.setDaemon(true);
    }

    private static Client client(FabricOptions.EtcdOptions o) {
        ClientBuilder b = Client.builder().endpoints(o.endpoints().toArray(String[]::new))
                .connectTimeout(java.time.Duration.ofMillis(CALL_MILLIS)).retryMaxAttempts(2).retryDelay(100)
                .keepaliveTime(java.time.Duration.ofSeconds(5)).keepaliveTimeout(java.time.Duration.ofSeconds(2));
        if (o.ca() != null) {
            try {
                b = b.sslContext(ssl -> {
                    ssl.trustManager(new File(o.ca()));
                    if (o.cert() != null) {
                        ssl.keyManager(new File(o.cert()), new File(o.key()));
                    }
                });
            } catch (javax.net.ssl.SSLException e) {
                throw new IllegalArgumentException("fabric.etcd TLS: " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    void start() {
        sessions.start();
    }

    boolean reachable() {
        return reachable;
    }

    String lastError() {
        return lastError;
    }

    Map<String, String> unpublished() {
        return Map.copyOf(unpublished);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Sessions

    private void runSessions() {
        while (!closed) {
            try {
                openSession();
                while (!closed && !sessionFailed && probe()) {
                    Thread.sleep(PROBE_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                lastError = describe(e);
                if (reachable || resyncs == 0) {
                    LOG.warn("fabric: etcd at {} unreachable ({}); forwarding goes on with the last directory, changes are refused",
                            options.endpoints(), lastError);
                }
            }
            if (reachable) {
                LOG.warn("fabric: lost etcd at {} ({}); forwarding goes on with the last directory, changes are refused",
                        options.endpoints(), lastError);
            }
            reachable = false;
            closeSession();
            if (!closed) {
                try {
                    Thread.sleep(PROBE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** A new session: lease, this appliance's entries, a full read, a watch from the revision after it. */
    private void openSession() throws Exception {
        sessionFailed = false;
        long id = client.getLeaseClient().grant(options.leaseTtlSeconds()).get(CALL_MILLIS, TimeUnit.MILLISECONDS).getID();
        lease = id;
        keepAlive = client.getLeaseClient().keepAlive(id, new StreamObserver<LeaseKeepAliveResponse>() {
            @Override
            public void onNext(LeaseKeepAliveResponse r) {
                if (r.getTTL() <= 0) {
                    sessionFailed = true;
                }
            }

            @Override
            public void onError(Throwable t) {
                lastError = "lease keep-alive: " + t.getMessage();
                sessionFailed = true;
            }

            @Override
            public void onCompleted() {
                sessionFailed = true;
            }
        });
        put(DirectoryEntries.applianceKey(options.prefix(), settings.appliance()),
                DirectoryEntries.json(DirectoryEntries.Appliance.of(settings, uplinkMac, memifSocket)), id);
        unpublished.clear();
        for (VnicConfig v : localVnics.get()) {
            try {
                claimAndPut(null, v, id);
            } catch (ServiceException e) {
                unpublished.put(v.name(), e.getMessage());
                LOG.error("fabric: VNIC {} runs here but is not in the directory: {}", v.name(), e.getMessage());
            }
        }
        GetResponse all = client.getKVClient().get(bytes(options.prefix() + "/"), GetOption.builder().isPrefix(true).build())
                .get(CALL_MILLIS, TimeUnit.MILLISECONDS);
        synchronized (this) {
            appliances.clear();
            vnics.clear();
            for (KeyValue kv : all.getKvs()) {
                apply(kv, false);
            }
            revision = all.getHeader().getRevision();
        }
        watcher = client.getWatchClient().watch(bytes(options.prefix() + "/"),
                WatchOption.builder().isPrefix(true).withRevision(all.getHeader().getRevision() + 1).build(),
                Watch.listener(this::onWatch, t -> {
                    lastError = "watch: " + t.getMessage();
                    sessionFailed = true;
                }));
        reachable = true;
        resyncs++;
        LOG.info("fabric: directory on etcd {} read at revision {} ({} appliance(s), {} remote VNIC(s)); watching",
                options.endpoints(), revision, appliances.size(), vnics.size());
        notifyListener();
    }

    /** Whether the session's lease and this appliance's entry are still there (a lease that expired is a new session). */
    private boolean probe() {
        try {
            GetResponse r = client.getKVClient().get(bytes(DirectoryEntries.applianceKey(options.prefix(), settings.appliance())))
                    .get(CALL_MILLIS, TimeUnit.MILLISECONDS);
            if (r.getKvs().isEmpty() || r.getKvs().get(0).getLease() != lease) {
                lastError = "this appliance's lease expired";
                return false;
            }
            return true;
        } catch (Exception e) {
            lastError = describe(e);
            return false;
        }
    }

    private void closeSession() {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
        if (keepAlive != null) {
            keepAlive.close();
            keepAlive = null;
        }
    }

    private void onWatch(WatchResponse response) {
        synchronized (this) {
            for (WatchEvent e : response.getEvents()) {
                apply(e.getKeyValue(), e.getEventType() == WatchEvent.EventType.DELETE);
                watchEvents++;
            }
            revision = response.getHeader().getRevision();
        }
        notifyListener();
    }

    /** One entry of the prefix into the view (this appliance's own are not part of it). */
    private void apply(KeyValue kv, boolean deleted) {
        String key = kv.getKey().toString(StandardCharsets.UTF_8);
        String appliancePrefix = DirectoryEntries.appliancesPrefix(options.prefix());
        String vnicPrefix = DirectoryEntries.vnicsPrefix(options.prefix());
        if (key.startsWith(appliancePrefix)) {
            String name = key.substring(appliancePrefix.length());
            if (name.equals(settings.appliance())) {
                return;
            }
            DirectoryEntries.Appliance a = deleted ? null : DirectoryEntries.read(kv.getValue().toString(StandardCharsets.UTF_8),
                    DirectoryEntries.Appliance.class);
            if (a == null || !name.equals(a.appliance())) {
                if (!deleted) {
                    LOG.warn("fabric: directory entry {} is no appliance entry; ignored", key);
                }
                appliances.remove(name);
            } else {
                appliances.put(name, a);
            }
        } else if (key.startsWith(vnicPrefix)) {
            String rest = key.substring(vnicPrefix.length());
            if (rest.startsWith(settings.appliance() + "/")) {
                return;
            }
            DirectoryEntries.Vnic v = deleted ? null : DirectoryEntries.read(kv.getValue().toString(StandardCharsets.UTF_8),
                    DirectoryEntries.Vnic.class);
            if (v == null || !rest.equals(v.appliance() + "/" + v.vnic())) {
                if (!deleted) {
                    LOG.warn("fabric: directory entry {} is no VNIC entry of the appliance its key names; ignored", key);
                }
                vnics.remove(rest);
            } else {
                vnics.put(rest, new Held(v, kv.getCreateRevision()));
            }
        }
    }

    private void notifyListener() {
        List<DirectoryEntries.Appliance> a;
        List<DirectoryEntries.Vnic> v;
        synchronized (this) {
            a = List.copyOf(appliances.values());
            v = vnics.values().stream().sorted(Comparator.comparingLong(Held::createRevision)).map(Held::entry).toList();
        }
        try {
            listener.directoryChanged(a, v);
        } catch (RuntimeException e) {
            LOG.error("fabric: the directory's change could not be applied: {}", e.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Publishing this appliance's VNICs

    void publish(VnicConfig before, VnicConfig after) {
        retryingWhileUnreachable(() -> {
            long id = lease;
            if (!reachable || id == 0) {
                throw unreachable();
            }
            claimAndPut(before, after, id);
        });
        unpublished.remove(after.name());
    }

    void withdraw(VnicConfig vnic) {
        retryingWhileUnreachable(() -> {
            if (!reachable) {
                throw unreachable();
            }
            delete(vnic);
        });
        unpublished.remove(vnic.name());
    }

    /**
     * Runs a change, again while etcd cannot be reached, for up to {@link #CHANGE_WAIT_MILLIS}: a member's death
     * moves the client to another member, and a change made meanwhile waits for that instead of being refused.
     * A refusal of another kind (a MAC held elsewhere) is thrown at once.
     */
    private void retryingWhileUnreachable(Runnable change) {
        long deadline = System.nanoTime() + CHANGE_WAIT_MILLIS * 1_000_000L;
        while (true) {
            awaitSession();
            try {
                change.run();
                return;
            } catch (ServiceException e) {
                if (e.status() != 503 || System.nanoTime() > deadline || closed) {
                    throw e;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw unreachable();
            }
        }
    }

    private void delete(VnicConfig vnic) {
        List<Op> ops = new ArrayList<>();
        ops.add(Op.delete(bytes(DirectoryEntries.vnicKey(options.prefix(), settings.appliance(), vnic.name())), DeleteOption.DEFAULT));
        for (String claim : claims(vnic)) {
            ops.add(Op.delete(bytes(claim), DeleteOption.DEFAULT));
        }
        call(client.getKVClient().txn().Then(ops.toArray(Op[]::new)).commit());
    }

    /** Waits for an etcd call; one that fails or takes longer than {@link #CALL_MILLIS} is a 503 with the reason kept. */
    private <T> T call(java.util.concurrent.CompletableFuture<T> pending) {
        try {
            return pending.get(CALL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable();
        } catch (Exception e) {
            lastError = describe(e);
            throw unreachable();
        }
    }

    /** Waits up to {@link #CHANGE_WAIT_MILLIS} for a session, so a member's death does not refuse the changes of its failover. */
    private void awaitSession() {
        long deadline = System.nanoTime() + CHANGE_WAIT_MILLIS * 1_000_000L;
        while (!reachable && !closed && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Takes every MAC claim of {@code after} (each must be free or this VNIC's already) and puts its entry, in one
     * transaction, under lease {@code id}; the claims only {@code before} had are released in it.
     */
    private void claimAndPut(VnicConfig before, VnicConfig after, long id) {
        String holder = DirectoryEntries.holder(settings.appliance(), after.name());
        ByteSequence me = bytes(holder);
        Set<String> wanted = claims(after);
        for (int attempt = 0; ; attempt++) {
            List<Cmp> conditions = new ArrayList<>();
            for (String claim : wanted) {
                String held = get(claim);
                if (held != null && !held.equals(holder)) {
                    throw ServiceException.conflict("fabric: " + describe(claim) + " is held by " + held + " in the directory");
                }
                conditions.add(held == null ? new Cmp(bytes(claim), Cmp.Op.EQUAL, CmpTarget.createRevision(0))
                        : new Cmp(bytes(claim), Cmp.Op.EQUAL, CmpTarget.value(me)));
            }
            PutOption underLease = PutOption.builder().withLeaseId(id).build();
            List<Op> ops = new ArrayList<>();
            for (String claim : wanted) {
                ops.add(Op.put(bytes(claim), me, underLease));
            }
            if (before != null) {
                for (String claim : claims(before)) {
                    if (!wanted.contains(claim)) {
                        ops.add(Op.delete(bytes(claim), DeleteOption.DEFAULT));
                    }
                }
            }
            ops.add(Op.put(bytes(DirectoryEntries.vnicKey(options.prefix(), settings.appliance(), after.name())),
                    bytes(DirectoryEntries.json(DirectoryEntries.Vnic.of(settings.appliance(), after))), underLease));
            TxnResponse r = call(client.getKVClient().txn().If(conditions.toArray(Cmp[]::new)).Then(ops.toArray(Op[]::new)).commit());
            if (r.isSucceeded()) {
                return;
            }
            if (attempt == 2) { // claimed between the read and the transaction, thrice: someone else is claiming it now
                throw ServiceException.conflict("fabric: the claims of VNIC " + after.name() + " changed while publishing it; try again");
            }
        }
    }

    /** The claim keys of a VNIC: each of its MACs in its VLAN. */
    private Set<String> claims(VnicConfig v) {
        Set<String> keys = new LinkedHashSet<>();
        for (long mac : WireAddresses.macs(v)) {
            keys.add(DirectoryEntries.claimKey(options.prefix(), v.vlan(), mac));
        }
        return keys;
    }

    private String describe(String claimKey) {
        String[] parts = claimKey.substring(options.prefix().length() + "/claims/".length()).split("/");
        return "MAC " + parts[1] + (parts[0].equals("0") ? "" : " in VLAN " + parts[0]);
    }

    private String get(String key) {
        GetResponse r = call(client.getKVClient().get(bytes(key)));
        return r.getKvs().isEmpty() ? null : r.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8);
    }

    /** An exception's message, or its type where it has none (a timeout). */
    private static String describe(Exception e) {
        Throwable t = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    private void put(String key, String value, long id) throws Exception {
        client.getKVClient().put(bytes(key), bytes(value), PutOption.builder().withLeaseId(id).build())
                .get(CALL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private ServiceException unreachable() {
        return ServiceException.unavailable("fabric: the VNIC directory (etcd at " + String.join(",", options.endpoints())
                + ") is unreachable" + (lastError.isEmpty() ? "" : " (" + lastError + ")")
                + "; the change is refused, forwarding goes on with the last directory");
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    /** Ends the session; this appliance's entries are revoked with its lease, so peers drop its VNICs at once. */
    @Override
    public void close() {
        closed = true;
        sessions.interrupt();
        try {
            sessions.join(CALL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeSession();
        long id = lease;
        if (id != 0 && reachable) {
            try {
                client.getLeaseClient().revoke(id).get(CALL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.debug("fabric: lease revoke at close: {}", e.toString());
            }
        }
        client.close();
    }
}
