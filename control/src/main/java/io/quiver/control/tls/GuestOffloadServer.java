package io.quiver.control.tls;

import io.quiver.control.config.TlsOffloadOptions;
import io.quiver.dataplane.datapath.Datapath;
import io.quiver.dataplane.guest.GuestRequestSlot;
import io.quiver.dataplane.guest.GuestServiceAddress;
import io.quiver.dataplane.offload.tls.OffloadReply;
import io.quiver.dataplane.offload.tls.OffloadRequest;
import io.quiver.dataplane.offload.tls.host.OffloadCandidate;
import io.quiver.dataplane.offload.tls.host.OffloadDecider;
import io.quiver.dataplane.offload.tls.host.OffloadDecision;
import io.quiver.dataplane.offload.tls.host.OffloadPolicy;
import io.quiver.dataplane.offload.tls.wire.WireReply;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.wire.OffloadWire;
import io.quiver.dataplane.offload.tls.wire.WireRequest;
import io.quiver.dataplane.vnic.Vnic;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offload service for guests, through their own VNICs: the dataplane hands every UDP datagram a guest sends to
 * {@code 169.254.169.254:6862} to this thread, with the VNIC it came in on. That VNIC is the client, whatever the
 * datagram says; the reply goes back into the same VNIC from the service address. The offload policy is checked at
 * each START; a refusal is counted and audited (once per VNIC and minute). A VNIC deleted, or replaced by another at
 * its index, is a client gone: its sessions are erased.
 */
final class GuestOffloadServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GuestOffloadServer.class);
    /**
     * The largest payload a guest's request may carry: request and reply each fit one 1500-byte frame and one
     * injected mbuf (a sealed record is 22 bytes longer than its plaintext).
     */
    static final int MAX_REQUEST_PAYLOAD = 1_400;
    private static final long AUDIT_EVERY = TimeUnit.MINUTES.toNanos(1);
    /** A reply is encoded on the thread that answers (the offload worker, or this one for a refusal). */
    private static final ThreadLocal<ByteBuffer> REPLY = ThreadLocal.withInitial(() -> ByteBuffer.allocate(WireReply.MAX_REPLY));

    private final Datapath datapath;
    private final OffloadFrontEnd frontEnd;
    private final TlsOffloadOptions options;
    private final BiConsumer<String, String> audit;
    /** Which VNICs may offload: the dataplane's per-VNIC, per-port policy, built from the configuration file. */
    private final OffloadDecider decider;
    private final Thread thread;
    /** By VNIC index (the poll thread's alone). */
    private final Map<Integer, OffloadClient> clients = new HashMap<>();
    private final Map<String, Long> lastAudit = new HashMap<>();
    private final WireRequest frame = new WireRequest();
    private final OffloadRequest scratch = new OffloadRequest(OffloadWire.MAX_PAYLOAD);
    /** Datagrams dropped before any answer: a length field that disagrees with the datagram. */
    final LongAdder malformed = new LongAdder();
    /** Datagrams the lcore could not queue for this service (counted by the lcore). */
    long queueOverflows() {
        return datapath.tlsRequests().overflows;
    }

    /** Replies that did not fit the injection queue. */
    final LongAdder lostReplies = new LongAdder();
    private volatile boolean running = true;
    private long lastSweep;

    GuestOffloadServer(Datapath datapath, OffloadFrontEnd frontEnd, TlsOffloadOptions options,
                       BiConsumer<String, String> audit) {
        this.datapath = datapath;
        this.frontEnd = frontEnd;
        this.options = options;
        this.audit = audit;
        this.decider = new OffloadDecider(policy(options.policy(), datapath), () -> true);
        this.thread = Thread.ofPlatform().daemon().name("quiver-tls-guests").start(this::run);
        datapath.tlsRequests().served(true);
    }

    private void run() {
        while (running) {
            try {
                datapath.tlsRequests().poll((slot, sequence, end) -> {
                    try {
                        handle(slot);
                    } finally {
                        java.util.Arrays.fill(slot.payload, 0, slot.length, (byte) 0); // it carried a private key
                    }
                    return true;
                });
                long now = System.nanoTime();
                if (now - lastSweep > TimeUnit.SECONDS.toNanos(1)) {
                    lastSweep = now;
                    sweep();
                }
                datapath.tlsRequests().await(TimeUnit.MILLISECONDS.toNanos(100));
            } catch (Exception e) {
                LOG.error("TLS offload for guests: {}", e.toString(), e);
            }
        }
    }

    private void handle(GuestRequestSlot slot) {
        Optional<Vnic> from = datapath.vnicAt(slot.vnic);
        if (from.isEmpty()) {
            return; // the VNIC went away while its request waited
        }
        Vnic vnic = from.get();
        OffloadClient client = client(slot.vnic, vnic.name());
        ByteBuffer datagram = ByteBuffer.wrap(slot.payload, 0, slot.length);
        if (slot.length < OffloadWire.LENGTH_FIELD + OffloadWire.REQUEST_HEADER
                || datagram.getInt() != slot.length - OffloadWire.LENGTH_FIELD) {
            malformed.increment();
            frontEnd.unanswerable.increment();
            client.refuse(FailureReason.MALFORMED_REQUEST);
            return;
        }
        FailureReason decoded = frame.read(datagram.slice(), scratch);
        if (decoded == null && scratch.payload().length() > MAX_REQUEST_PAYLOAD) {
            decoded = FailureReason.PAYLOAD_TOO_LARGE; // its reply might not fit a frame back
        }
        long mac = slot.sourceMac;
        int ip = slot.sourceIp;
        int port = slot.sourcePort;
        int index = slot.vnic;
        frontEnd.serve(client, frame, decoded, scratch, request -> policy(vnic, request), new OffloadFrontEnd.ReplySink() {
            @Override
            public void reply(OffloadReply reply, int operationCode, int requestId) {
                ByteBuffer out = REPLY.get().clear();
                WireReply.write(reply, operationCode, requestId, out);
                send(index, mac, ip, port, out.flip());
            }

            @Override
            public void hello(WireReply.Hello hello, int requestId) {
                ByteBuffer out = REPLY.get().clear();
                WireReply.writeHello(hello, requestId, out);
                send(index, mac, ip, port, out.flip());
            }
        });
        scratch.reset();
    }

    /** The offload policy's answer for a START from {@code vnic}: null when it may go on. */
    private FailureReason policy(Vnic vnic, OffloadRequest start) {
        OffloadDecision decision = decider.decide(new OffloadCandidate(vnic.name(), vnic.portId(), start.cipherSuite(),
                start.namedGroup()));
        if (decision.offload() || decision.reason() == OffloadDecision.Reason.UNSUPPORTED_SUITE
                || decision.reason() == OffloadDecision.Reason.UNSUPPORTED_GROUP) {
            return null; // what the engine does not implement, the engine refuses with its own reason
        }
        long now = System.nanoTime();
        Long last = lastAudit.get(vnic.name());
        if (last == null || now - last > AUDIT_EVERY) {
            lastAudit.put(vnic.name(), now);
            try {
                audit.accept(vnic.name(), "the TLS offload policy does not let VNIC " + vnic.name() + " offload ("
                        + decision.reason().name().toLowerCase().replace('_', '-') + ")");
            } catch (RuntimeException e) {
                LOG.warn("VNIC {}: TLS offload refusal not audited: {}", vnic.name(), e.getMessage());
            }
        }
        return FailureReason.NOT_PERMITTED;
    }

    /** The file's policy with its ports named by their DPDK ids; an unknown port is a configuration error. */
    static OffloadPolicy policy(TlsOffloadOptions.Policy file, Datapath datapath) {
        OffloadPolicy policy = file.enabledByDefault() ? OffloadPolicy.onByDefault() : OffloadPolicy.offByDefault();
        for (Map.Entry<String, Boolean> vnic : file.vnics().entrySet()) {
            policy = policy.withVnic(vnic.getKey(), vnic.getValue());
        }
        for (Map.Entry<String, Boolean> port : file.ports().entrySet()) {
            int id;
            try {
                id = datapath.port(port.getKey()).id();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("tls-offload.guests.ports: " + e.getMessage(), e);
            }
            policy = policy.withPort(id, port.getValue());
        }
        return policy;
    }

    private OffloadClient client(int index, String name) {
        OffloadClient client = clients.get(index);
        if (client != null && !client.name.equals(name)) {
            frontEnd.close(client); // another VNIC now has this index: the old one's sessions go
            client = null;
        }
        if (client == null) {
            client = frontEnd.open(OffloadClient.Kind.VNIC, name, options.guestLimits());
            clients.put(index, client);
        }
        return client;
    }

    /** VNICs deleted since: their sessions are erased. */
    private void sweep() {
        Iterator<Map.Entry<Integer, OffloadClient>> it = clients.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Integer, OffloadClient> e = it.next();
            Optional<Vnic> now = datapath.vnicAt(e.getKey());
            if (now.isEmpty() || !now.get().name().equals(e.getValue().name)) {
                frontEnd.close(e.getValue());
                it.remove();
            }
        }
    }

    /** Called on the offload worker (or this thread for refusals): the reply as a UDP frame into the VNIC. */
    private void send(int vnic, long mac, int ip, int port, ByteBuffer out) {
        byte[] payload = new byte[out.remaining()];
        out.get(payload);
        byte[] built = GuestServiceAddress.frameTo(mac, ip, GuestServiceAddress.TLS_OFFLOAD_PORT, port, payload);
        if (!datapath.injections().offer(vnic, built)) {
            lostReplies.increment();
        }
    }

    @Override
    public void close() {
        datapath.tlsRequests().served(false);
        running = false;
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (OffloadClient client : clients.values()) {
            frontEnd.close(client);
        }
        clients.clear();
    }
}
