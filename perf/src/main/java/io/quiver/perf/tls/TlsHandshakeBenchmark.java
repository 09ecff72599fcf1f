package io.quiver.perf.tls;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.dataplane.offload.tls.CryptoBackends;
import io.quiver.dataplane.offload.tls.HandshakeOffloadEngine;
import io.quiver.dataplane.offload.tls.OffloadOperation;
import io.quiver.dataplane.offload.tls.OffloadReply;
import io.quiver.dataplane.offload.tls.OffloadRequest;
import io.quiver.dataplane.offload.tls.TlsRole;
import io.quiver.dataplane.offload.tls.crypto.EcdheKeyAgreement;
import io.quiver.dataplane.offload.tls.crypto.TlsCryptoBackend;
import io.quiver.dataplane.offload.tls.handshake.Tls13Messages;
import io.quiver.dataplane.offload.tls.host.EphemeralKeyPair;
import io.quiver.dataplane.offload.tls.keylog.NssKeyLog;
import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import io.quiver.perf.measure.JvmWindow;
import io.quiver.perf.measure.ResultFile;
import io.quiver.perf.measure.Samples;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * Offloaded TLS 1.3 handshakes per second on one core, side by side with {@code openssl speed} for the same key
 * agreement on the same machine, in one run.
 *
 * <p>One measured handshake is what the appliance does for a client: START with the private key, the client's own
 * key share and ClientHello+ServerHello (the (EC)DHE and the early and handshake secrets, traffic keys and IVs),
 * the server's flight with its Finished checked (application and exporter secrets), this side's Finished (the
 * resumption master secret), CLOSE. It runs on the measuring thread straight into the engine (no ring hop), over a
 * pool of 64 prepared transcripts with distinct key pairs. {@code openssl speed ecdhx25519 ecdhp256} counts derive
 * calls only, on keys imported beforehand, so the ratio is conservative. Repeats interleave our windows with
 * openssl's to share the machine's drift.
 */
@Command(name = "tls", aliases = "tls-handshake-benchmark", mixinStandardHelpOptions = true,
        description = "Offloaded TLS 1.3 handshakes/s per core vs openssl speed for the same key agreement.")
public final class TlsHandshakeBenchmark implements Callable<Integer> {
    private static final int POOL = 64;
    private static final double TARGET_RATIO = 0.5;
    private static final Pattern OPENSSL_LINE = Pattern.compile("ecdh \\((X25519|nistp256)\\)\\s+\\S+s\\s+([0-9.]+)");

    @Option(names = "--repeats", defaultValue = "5", description = "Measured windows per figure (at least 3).")
    int repeats;

    @Option(names = "--seconds", defaultValue = "10", description = "Length of each window, and of openssl speed's.")
    int seconds;

    @Option(names = "--warmup", defaultValue = "-1", description = "Warm-up seconds per group (default: --seconds).")
    int warmup;

    @Option(names = "--backend", defaultValue = "auto", description = "auto, jdk or openssl.")
    String backend;

    @Option(names = "--json", description = "Also print the JSON report on stdout.")
    boolean json;

    @Option(names = "--no-openssl-speed", description = "Skip openssl speed (no ratio).")
    boolean noOpenSslSpeed;

    @Option(names = "--via", split = ",", paramLabel = "socket|vnic",
            description = "Also through the running daemon's offload service: its Unix socket (a host process) and/or a "
                    + "guest's VNIC, pipelined, in the same repeats (needs root: a namespace lab).")
    List<String> via = new ArrayList<>();

    /** Through the service, pipelined, the handshakes/s must keep this share of the in-process figure. */
    private static final double VIA_TARGET = 0.8;

    public static void main(String[] args) {
        quietLogging();
        System.exit(new CommandLine(new TlsHandshakeBenchmark()).execute(args));
    }

    /** Figures of one window. */
    record Window(double handshakesPerSecond, long handshakes, long allocatedBytes, long collections) {
        double allocatedBytesPerHandshake() {
            return (double) allocatedBytes / handshakes;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (repeats < 3) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--repeats must be at least 3");
        }
        int warmupSeconds = warmup < 0 ? seconds : warmup;
        CryptoBackends.Choice choice = CryptoBackends.Choice.parse(backend);
        String opensslVersion = noOpenSslSpeed ? null : opensslVersion();
        List<NamedGroup> groups = List.of(NamedGroup.X25519, NamedGroup.SECP256R1);
        Map<NamedGroup, Handshakes> pools = new LinkedHashMap<>();
        Map<NamedGroup, List<Window>> windows = new LinkedHashMap<>();
        Map<NamedGroup, Samples> agreementOnly = new LinkedHashMap<>();
        Map<NamedGroup, Samples> openssl = new LinkedHashMap<>();
        String backendName;
        for (String v : via) {
            if (!v.equals("socket") && !v.equals("vnic")) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--via takes socket and/or vnic, not " + v);
            }
        }
        Map<String, Map<NamedGroup, Samples>> viaRates = new LinkedHashMap<>();
        Map<String, Map<NamedGroup, double[]>> viaAllocation = new LinkedHashMap<>(); // bytes, handshakes, lost
        try (OffloadDaemon daemon = via.isEmpty() ? null : OffloadDaemon.start();
             HandshakeOffloadEngine engine = new HandshakeOffloadEngine(CryptoBackends.create(choice), NssKeyLog.DISABLED,
                POOL * 2, POOL * 32, 64 * 1024);
             TlsCryptoBackend rawBackend = CryptoBackends.create(choice)) {
            backendName = engine.backendName();
            System.out.printf("TLS 1.3 handshake offload benchmark: backend %s, %d x %d s, openssl %s%n",
                    backendName, repeats, seconds, opensslVersion == null ? "not run" : opensslVersion);
            for (NamedGroup group : groups) {
                Handshakes pool = new Handshakes(group, CipherSuite.TLS_AES_128_GCM_SHA256, choice);
                pools.put(group, pool);
                windows.put(group, new ArrayList<>());
                agreementOnly.put(group, new Samples());
                openssl.put(group, new Samples());
                System.out.printf("warming up %s for %d s%n", group, warmupSeconds);
                measure(engine, pool, warmupSeconds);
                measureAgreement(rawBackend.keyAgreement(group), pool, Math.max(1, warmupSeconds / 2));
                for (String v : via) {
                    System.out.printf("warming up the daemon's service through the %s, %s, for %d s%n", v, group, warmupSeconds);
                    daemon.warmUntilCompiled(v, group, System.out);
                    viaRates.computeIfAbsent(v, k -> new LinkedHashMap<>()).put(group, new Samples());
                    viaAllocation.computeIfAbsent(v, k -> new LinkedHashMap<>()).put(group, new double[3]);
                }
            }
            for (int r = 0; r < repeats; r++) {
                for (NamedGroup group : groups) {
                    Window w = measure(engine, pools.get(group), seconds);
                    windows.get(group).add(w);
                    double agree = measureAgreement(rawBackend.keyAgreement(group), pools.get(group), Math.max(1, seconds / 2));
                    agreementOnly.get(group).add(agree);
                    System.out.printf("repeat %d %-9s %,10.0f handshakes/s  (%,.0f agreements/s alone, %,d B/handshake, %d GCs)%n",
                            r + 1, group, w.handshakesPerSecond(), agree, Math.round(w.allocatedBytesPerHandshake()),
                            w.collections());
                    for (String v : via) {
                        JsonNode before = daemon.view();
                        JsonNode load = daemon.load(v, group, 3, seconds, 1).getFirst();
                        JsonNode after = daemon.view();
                        double rate = load.get("handshakesPerSecond").asDouble();
                        viaRates.get(v).get(group).add(rate);
                        long handshakes = after.get("handshakes").asLong() - before.get("handshakes").asLong();
                        long bytes = after.get("workerAllocatedBytes").asLong() - before.get("workerAllocatedBytes").asLong();
                        double[] alloc = viaAllocation.get(v).get(group);
                        alloc[0] += bytes;
                        alloc[1] += handshakes;
                        alloc[2] += load.get("lost").asLong();
                        System.out.printf("repeat %d %-9s %,10.0f handshakes/s through the %s (window %d handshakes, %,d B/handshake "
                                + "on the engine's worker, %d lost)%n", r + 1, group, rate, v, load.get("window").asInt(),
                                handshakes == 0 ? 0 : bytes / handshakes, load.get("lost").asLong());
                    }
                }
                if (opensslVersion != null) {
                    Map<NamedGroup, Double> speed = opensslSpeed(seconds);
                    speed.forEach((g, v) -> openssl.get(g).add(v));
                    System.out.printf("repeat %d openssl speed: X25519 %,.0f op/s, P-256 %,.0f op/s%n", r + 1,
                            speed.getOrDefault(NamedGroup.X25519, Double.NaN),
                            speed.getOrDefault(NamedGroup.SECP256R1, Double.NaN));
                }
            }
        }

        ObjectNode result = ResultFile.start("tls-handshake");
        result.put("via", String.join(",", via));
        result.put("backend", backendName).put("openssl", opensslVersion).put("cpu", cpuModel())
                .put("repeats", repeats).put("seconds", seconds).put("targetRatio", TARGET_RATIO)
                .put("measuredOperation", "client handshake offload: START(private key, ClientHello+ServerHello) + "
                        + "server flight with Finished check + own Finished + CLOSE, TLS_AES_128_GCM_SHA256, one thread, no ring")
                .put("opensslOperation", "openssl speed ecdhx25519 ecdhp256: EVP_PKEY_derive only, keys imported beforehand");
        System.out.println();
        System.out.printf("%-10s %32s %32s %8s%n", "group", "offloaded handshakes/s min/med/max",
                "openssl speed op/s min/med/max", "ratio");
        for (NamedGroup group : groups) {
            Samples ours = new Samples();
            long allocated = 0;
            long handshakes = 0;
            long collections = 0;
            for (Window w : windows.get(group)) {
                ours.add(w.handshakesPerSecond());
                allocated += w.allocatedBytes();
                handshakes += w.handshakes();
                collections += w.collections();
            }
            Samples theirs = openssl.get(group);
            Double ratio = theirs.values().isEmpty() ? null : ours.median() / theirs.median();
            ObjectNode g = result.putObject(group.name());
            g.put("suite", CipherSuite.TLS_AES_128_GCM_SHA256.name());
            ResultFile.samples(g, "handshakesPerSecond", ours);
            ResultFile.samples(g, "keyAgreementOnlyPerSecond", agreementOnly.get(group));
            ResultFile.samples(g, "opensslSpeedOpsPerSecond", theirs);
            g.put("allocatedBytesPerHandshake", (double) allocated / handshakes).put("collections", collections);
            if (ratio != null) {
                g.put("ratioToOpenssl", ratio).put("meetsTarget", ratio >= TARGET_RATIO);
            }
            System.out.printf("%-10s %32s %32s %8s  %s%n", group, format(ours), format(theirs),
                    ratio == null ? "-" : String.format(Locale.ROOT, "%.2f", ratio),
                    ratio == null ? "" : (ratio >= TARGET_RATIO ? "meets" : "MISSES") + " the 0.5x target");
            System.out.printf("%-10s allocated %,.0f B/handshake on the measuring thread, %d GCs in %d windows; "
                    + "key agreement alone %s /s%n", "", (double) allocated / handshakes, collections, windows.get(group).size(),
                    format(agreementOnly.get(group)));
            for (String v : via) {
                Samples through = viaRates.get(v).get(group);
                double share = through.median() / ours.median();
                double[] alloc = viaAllocation.get(v).get(group);
                ObjectNode t = g.putObject("via" + Character.toUpperCase(v.charAt(0)) + v.substring(1));
                ResultFile.samples(t, "handshakesPerSecond", through);
                t.put("ratioToInProcess", share).put("meetsTarget", share >= VIA_TARGET)
                        .put("workerAllocatedBytesPerHandshake", alloc[1] == 0 ? 0 : alloc[0] / alloc[1])
                        .put("lostHandshakes", (long) alloc[2]);
                if (!theirs.values().isEmpty()) {
                    t.put("ratioToOpenssl", through.median() / theirs.median());
                }
                System.out.printf("%-10s through the %-6s %32s %8.2f of in-process  %s the %.1fx goal; %,.0f B/handshake on the "
                        + "daemon's worker%n", "", v, format(through), share, share >= VIA_TARGET ? "meets" : "MISSES", VIA_TARGET,
                        alloc[1] == 0 ? 0 : alloc[0] / alloc[1]);
            }
        }
        Path file = ResultFile.save(result);
        System.out.println("report written to " + file);
        if (json) {
            System.out.println(ResultFile.JSON.writeValueAsString(result));
        }
        return 0;
    }

    /** The engine logs each request at DEBUG; logback's default configuration would print (and time) them all. */
    private static void quietLogging() {
        if (org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(ch.qos.logback.classic.Level.INFO);
        }
    }

    // ---- measurement -----------------------------------------------------------------------------------------

    /** Prepared transcripts: distinct key pairs, hellos, and a server flight whose Finished a server engine made. */
    static final class Handshakes {
        final NamedGroup group;
        final CipherSuite suite;
        final byte[][] clientPrivate = new byte[POOL][];
        final byte[][] clientShare = new byte[POOL][];
        final byte[][] serverShare = new byte[POOL][];
        final byte[][] hellos = new byte[POOL][];
        final byte[][] serverFlight = new byte[POOL][];

        Handshakes(NamedGroup group, CipherSuite suite, CryptoBackends.Choice choice) {
            this.group = group;
            this.suite = suite;
            SecureRandom random = new SecureRandom();
            try (HandshakeOffloadEngine server = new HandshakeOffloadEngine(CryptoBackends.create(choice),
                    NssKeyLog.DISABLED, 4, 64, 64 * 1024)) {
                OffloadRequest request = new OffloadRequest(64 * 1024);
                for (int i = 0; i < POOL; i++) {
                    EphemeralKeyPair c = EphemeralKeyPair.generate(group, random);
                    EphemeralKeyPair s = EphemeralKeyPair.generate(group, random);
                    clientPrivate[i] = c.privateKey();
                    clientShare[i] = c.keyShare();
                    serverShare[i] = s.keyShare();
                    byte[] sessionId = bytes(random, 32);
                    hellos[i] = concat(
                            Tls13Messages.clientHello(bytes(random, 32), sessionId, new int[] {suite.code()}, group.code(),
                                    c.keyShare(), "bench.quiver"),
                            Tls13Messages.serverHello(bytes(random, 32), sessionId, suite.code(), group.code(), s.keyShare()));
                    byte[] flight = concat(Tls13Messages.encryptedExtensions(), Tls13Messages.certificate(bytes(random, 800)),
                            Tls13Messages.certificateVerify(0x0403, bytes(random, 72)));
                    request.reset().operation(OffloadOperation.START).connectionId(1).role(TlsRole.SERVER)
                            .cipherSuite(suite.code()).namedGroup(group.code());
                    request.privateKey().set(s.privateKey());
                    request.payload().set(hellos[i]);
                    check(server.process(request));
                    request.reset().operation(OffloadOperation.HANDSHAKE_MESSAGES).connectionId(1);
                    request.payload().set(flight);
                    check(server.process(request));
                    OffloadReply finished = check(server.process(request.reset().operation(OffloadOperation.FINISHED)
                            .connectionId(1)));
                    check(server.process(request.reset().operation(OffloadOperation.CLOSE).connectionId(1)));
                    serverFlight[i] = concat(flight, finished.output());
                }
            }
        }
    }

    /** Offloaded client handshakes, back to back on this thread, for {@code seconds}. */
    static Window measure(HandshakeOffloadEngine engine, Handshakes pool, int seconds) {
        OffloadRequest request = new OffloadRequest(64 * 1024);
        JvmWindow jvm = JvmWindow.open(Thread.currentThread().threadId());
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        long handshakes = 0;
        long now;
        do {
            for (int i = 0; i < 16; i++) {
                handshake(engine, pool, request, (int) (handshakes & (POOL - 1)));
                handshakes++;
            }
            now = System.nanoTime();
        } while (now < deadline);
        return new Window(handshakes / ((now - start) / 1e9), handshakes, jvm.allocatedBytes(), jvm.collections());
    }

    private static void handshake(HandshakeOffloadEngine engine, Handshakes pool, OffloadRequest request, int i) {
        long connection = 1;
        request.reset().operation(OffloadOperation.START).connectionId(connection).role(TlsRole.CLIENT)
                .cipherSuite(pool.suite.code()).namedGroup(pool.group.code());
        request.privateKey().set(pool.clientPrivate[i]);
        request.localKeyShare().set(pool.clientShare[i]);
        request.payload().set(pool.hellos[i]);
        check(engine.process(request));
        request.reset().operation(OffloadOperation.HANDSHAKE_MESSAGES).connectionId(connection);
        request.payload().set(pool.serverFlight[i]);
        check(engine.process(request));
        check(engine.process(request.reset().operation(OffloadOperation.FINISHED).connectionId(connection)));
        check(engine.process(request.reset().operation(OffloadOperation.CLOSE).connectionId(connection)));
    }

    /** The backend's key agreement alone, for reference: how much of a handshake is the (EC)DHE. */
    static double measureAgreement(EcdheKeyAgreement agreement, Handshakes pool, int seconds) {
        byte[] shared = new byte[32];
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        long n = 0;
        long now;
        do {
            for (int k = 0; k < 16; k++) {
                int i = (int) (n & (POOL - 1));
                if (agreement.agree(pool.clientPrivate[i], pool.clientShare[i], pool.serverShare[i], shared) != null) {
                    throw new IllegalStateException("key agreement failed in the benchmark");
                }
                n++;
            }
            now = System.nanoTime();
        } while (now < deadline);
        return n / ((now - start) / 1e9);
    }

    private static OffloadReply check(OffloadReply reply) {
        if (!reply.ok()) {
            throw new IllegalStateException("offload failed during the benchmark: " + reply);
        }
        return reply;
    }

    // ---- openssl speed ---------------------------------------------------------------------------------------

    static String opensslVersion() {
        try {
            Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    /** One {@code openssl speed -seconds S ecdhx25519 ecdhp256}: op/s by group. */
    static Map<NamedGroup, Double> opensslSpeed(int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("openssl", "speed", "-seconds", Integer.toString(seconds), "ecdhx25519", "ecdhp256")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10L * seconds + 60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("openssl speed did not finish");
        }
        return parseOpensslSpeed(out);
    }

    /** The op/s column of the ecdh lines of openssl speed's summary table. */
    static Map<NamedGroup, Double> parseOpensslSpeed(String output) {
        Map<NamedGroup, Double> speed = new LinkedHashMap<>();
        Matcher m = OPENSSL_LINE.matcher(output);
        while (m.find()) {
            speed.put(m.group(1).equals("X25519") ? NamedGroup.X25519 : NamedGroup.SECP256R1, Double.parseDouble(m.group(2)));
        }
        return speed;
    }

    // ---- report ----------------------------------------------------------------------------------------------

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String format(Samples s) {
        return s.values().isEmpty() ? "-" : String.format(Locale.ROOT, "%,.0f / %,.0f / %,.0f", s.min(), s.median(), s.max());
    }

    private static byte[] bytes(SecureRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Arrays.stream(parts).forEach(out::writeBytes);
        return out.toByteArray();
    }
}
