package io.quiver.control.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quiver.dataplane.offload.tls.CryptoBackends;
import io.quiver.dataplane.offload.tls.KeyHandle;
import io.quiver.dataplane.offload.tls.OffloadReply;
import io.quiver.dataplane.offload.tls.PskKind;
import io.quiver.dataplane.offload.tls.SecretKind;
import io.quiver.dataplane.offload.tls.TlsRole;
import io.quiver.dataplane.offload.tls.TranscriptPoint;
import io.quiver.dataplane.offload.tls.host.HandshakeOffloadClient;
import io.quiver.dataplane.offload.tls.host.StartParameters;
import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import io.quiver.dataplane.offload.tls.ring.HandshakeOffloadService;
import io.quiver.dataplane.offload.tls.ring.OffloadConfiguration;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code quiver tls-offload}: drives one TLS 1.3 handshake offload from hex inputs, for diagnosis and interop
 * testing. It starts an offload engine in this process, sends the requests a host would send, in this order:
 * START, PSK binder, handshake messages, transcript hashes, this side's Finished, records to open; and prints each
 * reply: status (or the failure reason and the alert to send), progress, handles, and outputs (Finished, binder,
 * record plaintext). Secrets are never printed; {@code --keylog} writes the NSS key log for Wireshark.
 *
 * <p>Exit status: 0 when every step succeeded, 1 when the engine refused one (the rest are skipped), 2 on bad
 * usage.
 */
@Command(name = "tls-offload", mixinStandardHelpOptions = true,
        description = "Drive one TLS 1.3 handshake offload from hex inputs (diagnosis, interop testing).",
        sortOptions = false)
public final class TlsOffloadCommand implements Callable<Integer> {
    private static final HexFormat HEX = HexFormat.of();
    private static final long CONNECTION_ID = 1;
    private static final int TIMEOUT_SECONDS = 30;

    @Spec
    CommandSpec spec;

    @Option(names = "--role", required = true, description = "client or server: the side the host plays.")
    String role;

    @Option(names = "--suite", required = true,
            description = "TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256, or a hex code.")
    String suite;

    @Option(names = "--group", description = "x25519, secp256r1, or a hex code (with --private-key).")
    String group;

    @Option(names = "--private-key", description = "The local ephemeral private key, hex.")
    String privateKey;

    @Option(names = "--local-key-share", description = "Our own key share as sent in our hello, hex (optional).")
    String localKeyShare;

    @Option(names = "--peer-key-share", description = "The peer's key share, hex (else taken from the peer's hello).")
    String peerKeyShare;

    @Option(names = "--psk", description = "A pre-shared key, hex.")
    String psk;

    @Option(names = "--psk-kind", defaultValue = "resumption", description = "resumption or external (binder label).")
    String pskKind;

    @Option(names = "--client-random", description = "ClientHello.random, hex, for the key log in hash mode.")
    String clientRandom;

    @Option(names = "--binder", paramLabel = "TRUNCATED_CLIENT_HELLO",
            description = "Compute the PSK binder over this truncated ClientHello, hex.")
    String binder;

    @Option(names = "--messages", paramLabel = "HEX",
            description = "Handshake messages, hex, in transcript order; repeatable (one request each).")
    List<String> messages = new ArrayList<>();

    @Option(names = "--transcript-hash", paramLabel = "POINT=HEX",
            description = "Instead of messages: the transcript hash at a point (SERVER_HELLO, SERVER_FINISHED_CONTEXT, "
                    + "SERVER_FINISHED, CLIENT_FINISHED_CONTEXT, CLIENT_FINISHED, CLIENT_HELLO); repeatable.")
    List<String> transcriptHashes = new ArrayList<>();

    @Option(names = "--peer-verify-data", description = "The peer's Finished verify_data, hex, checked at its "
            + "Finished context point (hash mode).")
    String peerVerifyData;

    @Option(names = "--finished", description = "Ask for this side's Finished message after the messages.")
    boolean finished;

    @Option(names = "--open-record", paramLabel = "SECRET=HEX",
            description = "Open a protected record with the traffic key of SECRET (e.g. SERVER_HANDSHAKE_TRAFFIC); "
                    + "repeatable, in order.")
    List<String> openRecords = new ArrayList<>();

    @Option(names = "--backend", defaultValue = "auto", description = "Crypto backend: auto, jdk or openssl.")
    String backend;

    @Option(names = "--keylog", paramLabel = "FILE",
            description = "Debug only: append the NSS key log (SSLKEYLOGFILE format, TLS secrets in the clear) to FILE.")
    Path keyLog;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(names = "--verbose", description = "Show the offload engine's debug log (never contains key material).")
    boolean verbose;

    /** One request and its reply, as printed. */
    public record Step(String operation, String status, String reason, String alert, String progress,
                       Map<String, String> handles, String output, Integer contentType) {
    }

    /** The whole run, as printed with --json. */
    public record Result(String backend, boolean ok, List<Step> steps) {
    }

    @Override
    public Integer call() throws Exception {
        StartParameters start = startParameters();
        List<TranscriptStep> hashes = transcriptSteps();
        List<RecordStep> records = recordSteps();
        CryptoBackends.Choice choice = parseChoice();
        OffloadConfiguration configuration = OffloadConfiguration.defaults().withBackend(choice).withKeyLogFile(keyLog);
        List<Step> steps = new ArrayList<>();
        Map<SecretKind, KeyHandle> handles = new EnumMap<>(SecretKind.class);
        String backendName;
        boolean ok;
        Runnable restoreLogging = quietEngineLog();
        try (HandshakeOffloadService service = HandshakeOffloadService.start(configuration)) {
            backendName = service.backendName();
            HandshakeOffloadClient host = service.client();
            ok = step(steps, handles, host.start(start))
                    && (binder == null || step(steps, handles, host.pskBinder(CONNECTION_ID, hex("--binder", binder), null)))
                    && messagesSteps(steps, handles, host)
                    && hashSteps(steps, handles, host, hashes)
                    && (!finished || step(steps, handles, host.finished(CONNECTION_ID)))
                    && recordSteps(steps, handles, host, records);
            host.close(CONNECTION_ID).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } finally {
            restoreLogging.run();
        }
        print(new Result(backendName, ok, steps));
        return ok ? 0 : 1;
    }

    private boolean messagesSteps(List<Step> steps, Map<SecretKind, KeyHandle> handles, HandshakeOffloadClient host)
            throws Exception {
        for (String m : messages) {
            if (!step(steps, handles, host.handshakeMessages(CONNECTION_ID, hex("--messages", m)))) {
                return false;
            }
        }
        return true;
    }

    private boolean hashSteps(List<Step> steps, Map<SecretKind, KeyHandle> handles, HandshakeOffloadClient host,
                              List<TranscriptStep> hashes) throws Exception {
        TranscriptPoint peerContext = parseRole() == TlsRole.CLIENT
                ? TranscriptPoint.SERVER_FINISHED_CONTEXT : TranscriptPoint.CLIENT_FINISHED_CONTEXT;
        for (TranscriptStep t : hashes) {
            byte[] verify = t.point == peerContext && peerVerifyData != null ? hex("--peer-verify-data", peerVerifyData) : null;
            if (!step(steps, handles, host.transcriptHash(CONNECTION_ID, t.point, t.hash, verify, null))) {
                return false;
            }
        }
        return true;
    }

    private boolean recordSteps(List<Step> steps, Map<SecretKind, KeyHandle> handles, HandshakeOffloadClient host,
                                List<RecordStep> records) throws Exception {
        for (RecordStep r : records) {
            KeyHandle handle = handles.getOrDefault(r.kind, KeyHandle.NONE);
            if (!step(steps, handles, host.open(handle, r.record))) {
                return false;
            }
        }
        return true;
    }

    private static boolean step(List<Step> steps, Map<SecretKind, KeyHandle> handles,
                                CompletableFuture<OffloadReply> future) throws Exception {
        OffloadReply reply = future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        handles.putAll(reply.handles());
        Map<String, String> shown = new LinkedHashMap<>();
        reply.handles().forEach((kind, handle) -> shown.put(kind.name(), handle.toString()));
        steps.add(new Step(reply.operation().name(), reply.status().name(),
                reply.reason() == null ? null : reply.reason().name(),
                reply.reason() == null ? null : reply.reason().alert().name().toLowerCase(Locale.ROOT),
                reply.progress() == null ? null : reply.progress().name(), shown,
                reply.output().length == 0 ? null : HEX.formatHex(reply.output()),
                reply.contentType() == 0 ? null : reply.contentType()));
        return reply.ok();
    }

    private void print(Result result) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
        } else {
            out.printf("backend %s%n", result.backend());
            for (Step s : result.steps()) {
                out.printf("%-18s %s%s%s%n", s.operation(), s.status(),
                        s.reason() == null ? "" : " " + s.reason() + " (send alert " + s.alert() + ")",
                        s.progress() == null ? "" : ", progress " + s.progress());
                s.handles().forEach((kind, handle) -> out.printf("  handle %-28s %s%n", kind, handle));
                if (s.output() != null) {
                    out.printf("  output%s %s%n", s.contentType() == null ? "" : " (content type " + s.contentType() + ")",
                            s.output());
                }
            }
            out.println(result.ok() ? "ok" : "failed");
        }
        out.flush();
    }

    /**
     * The engine logs every request at debug level, which would bury the result (and break --json on the console);
     * unless --verbose, its logger is raised for the command's run and restored afterwards.
     */
    private Runnable quietEngineLog() {
        if (verbose || !(org.slf4j.LoggerFactory.getLogger("io.quiver.dataplane.offload.tls")
                instanceof ch.qos.logback.classic.Logger logger)) {
            return () -> { };
        }
        ch.qos.logback.classic.Level previous = logger.getLevel();
        logger.setLevel(json ? ch.qos.logback.classic.Level.ERROR : ch.qos.logback.classic.Level.WARN);
        return () -> logger.setLevel(previous);
    }

    // ---- parsing -------------------------------------------------------------------------------------------

    private record TranscriptStep(TranscriptPoint point, byte[] hash) {
    }

    private record RecordStep(SecretKind kind, byte[] record) {
    }

    private StartParameters startParameters() {
        StartParameters p = StartParameters.of(CONNECTION_ID, parseRole(), parseCode("--suite", suite, true));
        if (privateKey != null) {
            if (group == null) {
                throw usage("--private-key needs --group");
            }
            p.ephemeral(parseCode("--group", group, false), hex("--private-key", privateKey));
        }
        if (localKeyShare != null) {
            p.localKeyShare(hex("--local-key-share", localKeyShare));
        }
        if (peerKeyShare != null) {
            p.peerKeyShare(hex("--peer-key-share", peerKeyShare));
        }
        if (psk != null) {
            p.psk(hex("--psk", psk), switch (pskKind.toLowerCase(Locale.ROOT)) {
                case "resumption" -> PskKind.RESUMPTION;
                case "external" -> PskKind.EXTERNAL;
                default -> throw usage("--psk-kind is resumption or external, not " + pskKind);
            });
        }
        if (clientRandom != null) {
            p.clientRandom(hex("--client-random", clientRandom));
        }
        return p;
    }

    private TlsRole parseRole() {
        return switch (role.toLowerCase(Locale.ROOT)) {
            case "client" -> TlsRole.CLIENT;
            case "server" -> TlsRole.SERVER;
            default -> throw usage("--role is client or server, not " + role);
        };
    }

    private CryptoBackends.Choice parseChoice() {
        try {
            return CryptoBackends.Choice.parse(backend);
        } catch (IllegalArgumentException e) {
            throw usage("--backend is auto, jdk or openssl, not " + backend);
        }
    }

    /** A suite or group by name, or by hex code (which may be one the engine refuses: that is for it to say). */
    private int parseCode(String option, String value, boolean isSuite) {
        if (isSuite) {
            CipherSuite byName = CipherSuite.fromName(value);
            if (byName != null) {
                return byName.code();
            }
        } else {
            NamedGroup byName = NamedGroup.fromName(value);
            if (byName != null) {
                return byName.code();
            }
        }
        String digits = value.toLowerCase(Locale.ROOT).startsWith("0x") ? value.substring(2) : value;
        try {
            int code = Integer.parseInt(digits, 16);
            if (code < 0 || code > 0xffff) {
                throw usage(option + " code out of range: " + value);
            }
            return code;
        } catch (NumberFormatException e) {
            throw usage(option + ": unknown name " + value);
        }
    }

    private List<TranscriptStep> transcriptSteps() {
        List<TranscriptStep> steps = new ArrayList<>();
        for (String t : transcriptHashes) {
            int eq = t.indexOf('=');
            if (eq < 0) {
                throw usage("--transcript-hash is POINT=HEX: " + t);
            }
            try {
                steps.add(new TranscriptStep(TranscriptPoint.valueOf(t.substring(0, eq).toUpperCase(Locale.ROOT)),
                        hex("--transcript-hash", t.substring(eq + 1))));
            } catch (IllegalArgumentException e) {
                throw usage("--transcript-hash: unknown point " + t.substring(0, eq));
            }
        }
        return steps;
    }

    private List<RecordStep> recordSteps() {
        List<RecordStep> steps = new ArrayList<>();
        for (String r : openRecords) {
            int eq = r.indexOf('=');
            if (eq < 0) {
                throw usage("--open-record is SECRET=HEX: " + r);
            }
            SecretKind kind;
            try {
                kind = SecretKind.valueOf(r.substring(0, eq).toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw usage("--open-record: unknown secret " + r.substring(0, eq));
            }
            if (!kind.isTraffic()) {
                throw usage("--open-record needs a traffic secret, not " + kind);
            }
            steps.add(new RecordStep(kind, hex("--open-record", r.substring(eq + 1))));
        }
        return steps;
    }

    private byte[] hex(String option, String value) {
        try {
            return HEX.parseHex(value.replaceAll("[\\s:]", ""));
        } catch (IllegalArgumentException e) {
            throw usage(option + " is not hex: " + e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
