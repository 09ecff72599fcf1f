package io.quiver.dataplane.offload.tls;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.quiver.dataplane.offload.tls.Rfc8448.Resumed;
import io.quiver.dataplane.offload.tls.Rfc8448.Simple;
import io.quiver.dataplane.offload.tls.record.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import static io.quiver.dataplane.offload.tls.Rfc8448.concat;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The normal logs, at TRACE, of whole handshakes, failures and records (with the debug key log on, which is where
 * secrets do belong) contain no private key, shared secret, PSK, traffic secret, key or IV in any usual spelling.
 */
class NoKeyMaterialInLogsTest {
    private static final byte[][] SECRETS = {
            Simple.CLIENT_PRIVATE, Simple.SERVER_PRIVATE, Simple.SHARED_SECRET, Simple.EARLY_SECRET,
            Simple.HANDSHAKE_SECRET, Simple.MASTER_SECRET, Simple.CLIENT_HANDSHAKE_TRAFFIC,
            Simple.SERVER_HANDSHAKE_TRAFFIC, Simple.CLIENT_APPLICATION_TRAFFIC, Simple.SERVER_APPLICATION_TRAFFIC,
            Simple.EXPORTER_MASTER, Simple.RESUMPTION_MASTER, Simple.RESUMPTION_PSK, Simple.SERVER_HANDSHAKE_KEY,
            Simple.SERVER_HANDSHAKE_IV, Simple.CLIENT_HANDSHAKE_KEY, Simple.CLIENT_HANDSHAKE_IV,
            Simple.CLIENT_APPLICATION_KEY, Simple.CLIENT_APPLICATION_IV, Simple.SERVER_APPLICATION_KEY,
            Simple.SERVER_APPLICATION_IV, Simple.SERVER_FINISHED_KEY, Simple.CLIENT_FINISHED_KEY,
            Resumed.CLIENT_PRIVATE, Resumed.EARLY_SECRET, Resumed.BINDER_KEY, Resumed.CLIENT_EARLY_TRAFFIC,
    };

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Logger root;
    private Level previousLevel;

    @TempDir
    Path tmp;

    @BeforeEach
    void captureLogs() {
        root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        previousLevel = root.getLevel();
        root.setLevel(Level.TRACE);
        appender.start();
        root.addAppender(appender);
    }

    @AfterEach
    void restore() {
        root.detachAppender(appender);
        root.setLevel(previousLevel);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jdk", "openssl"})
    @DisplayName("no key material in the logs of handshakes, failures and records")
    void noKeyMaterial(String backend) throws Exception {
        List<String> replies = new ArrayList<>();
        Path keyLog = tmp.resolve("debug.keys");
        try (EngineHarness h = EngineHarness.withBackend(backend, keyLog)) {
            OffloadReply hello = h.ok(OffloadOperation.START, 1, r -> {
                r.role(TlsRole.CLIENT).cipherSuite(0x1301).namedGroup(0x001d);
                r.privateKey().set(Simple.CLIENT_PRIVATE);
                r.payload().set(concat(Simple.CLIENT_HELLO, Simple.SERVER_HELLO));
                replies.add(r.toString());
            });
            replies.add(hello.toString());
            replies.add(h.open(hello.handle(SecretKind.SERVER_HANDSHAKE_TRAFFIC), Simple.SERVER_FLIGHT_RECORD).toString());
            replies.add(h.messages(1, Simple.serverFlight()).toString());
            replies.add(h.ok(OffloadOperation.FINISHED, 1, r -> { }).toString());
            replies.add(h.ok(OffloadOperation.RESUMPTION_PSK, 1, r -> r.payload().set(Simple.TICKET_NONCE)).toString());
            // failures: a Finished mismatch, a low-order point, a tampered record, a binder mismatch
            h.ok(OffloadOperation.START, 2, r -> {
                r.role(TlsRole.CLIENT).cipherSuite(0x1301).namedGroup(0x001d);
                r.privateKey().set(Simple.CLIENT_PRIVATE);
                r.payload().set(concat(Simple.CLIENT_HELLO, Simple.SERVER_HELLO));
            });
            byte[] badFlight = Simple.serverFlight();
            badFlight[badFlight.length - 3] ^= 4;
            replies.add(h.messages(2, badFlight).toString());
            replies.add(h.call(OffloadOperation.START, 3, r -> {
                r.role(TlsRole.SERVER).cipherSuite(0x1301).namedGroup(0x001d);
                r.privateKey().set(Simple.SERVER_PRIVATE);
                r.peerKeyShare().set(new byte[32]);
                r.payload().set(concat(Simple.CLIENT_HELLO, Simple.SERVER_HELLO));
            }).toString());
            byte[] tampered = Simple.SERVER_FLIGHT_RECORD.clone();
            tampered[40] ^= 1;
            replies.add(h.open(hello.handle(SecretKind.SERVER_HANDSHAKE_TRAFFIC), tampered).toString());
            byte[] badBinder = Resumed.CLIENT_HELLO.clone();
            badBinder[badBinder.length - 2] ^= 1;
            replies.add(h.call(OffloadOperation.START, 4, r -> {
                r.role(TlsRole.SERVER).cipherSuite(0x1301).namedGroup(0x001d);
                r.privateKey().set(Resumed.SERVER_PRIVATE);
                r.psk().set(Simple.RESUMPTION_PSK);
                r.payload().set(badBinder);
            }).toString());
            replies.add(h.seal(hello.handle(SecretKind.CLIENT_HANDSHAKE_TRAFFIC), ContentType.HANDSHAKE,
                    Simple.CLIENT_FINISHED).toString());
        }

        List<String> lines = new ArrayList<>(replies);
        for (ILoggingEvent event : appender.list) {
            lines.add(event.getFormattedMessage());
            if (event.getArgumentArray() != null) {
                lines.add(Arrays.deepToString(event.getArgumentArray()));
            }
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                lines.add(t.getClassName() + ": " + t.getMessage());
            }
        }
        assertTrue(appender.list.size() > 10, "the engine logged at debug level");
        String all = String.join("\n", lines);
        String lower = all.toLowerCase(Locale.ROOT);
        for (byte[] secret : SECRETS) {
            String hex = HexFormat.of().formatHex(secret);
            assertFalse(lower.contains(hex.substring(0, 24)), () -> "a secret in hex is in the logs: " + hex);
            assertFalse(all.contains(Base64.getEncoder().encodeToString(secret).substring(0, 16)), "a secret in base64");
            assertFalse(all.contains(Arrays.toString(Arrays.copyOf(secret, 6)).replace("]", "")), "a secret as a Java array");
        }
        // while the debug key log, which exists to hold secrets, has them
        String debugKeyLog = Files.readString(keyLog);
        assertTrue(debugKeyLog.contains(HexFormat.of().formatHex(Simple.CLIENT_HANDSHAKE_TRAFFIC)));
    }
}
