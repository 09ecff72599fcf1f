package io.quiver.dataplane.offload.tls;

import io.quiver.dataplane.offload.tls.crypto.TlsCryptoBackend;
import io.quiver.dataplane.offload.tls.keylog.NssKeyLog;
import io.quiver.dataplane.offload.tls.keylog.NssKeyLogFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An engine driven directly, one request object reused as the ring would, with an optional debug key log. */
final class EngineHarness implements AutoCloseable {
    final HandshakeOffloadEngine engine;
    final Path keyLogPath;
    private final OffloadRequest request = new OffloadRequest(64 * 1024);

    EngineHarness(TlsCryptoBackend backend, Path keyLogPath) {
        this.keyLogPath = keyLogPath;
        NssKeyLog keyLog;
        try {
            keyLog = keyLogPath == null ? NssKeyLog.DISABLED : NssKeyLogFile.open(keyLogPath);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        engine = new HandshakeOffloadEngine(backend, keyLog, 64, 1024, 64 * 1024);
    }

    static EngineHarness withBackend(String backendName, Path keyLogPath) {
        return new EngineHarness(Tls13KeyScheduleRfc8448Test.backend(backendName), keyLogPath);
    }

    OffloadReply call(OffloadOperation operation, long connectionId, Consumer<OffloadRequest> fill) {
        request.reset().operation(operation).connectionId(connectionId);
        fill.accept(request);
        return engine.process(request);
    }

    OffloadReply ok(OffloadOperation operation, long connectionId, Consumer<OffloadRequest> fill) {
        OffloadReply reply = call(operation, connectionId, fill);
        assertTrue(reply.ok(), () -> operation + " failed: " + reply);
        return reply;
    }

    OffloadReply messages(long connectionId, byte[] messages) {
        return call(OffloadOperation.HANDSHAKE_MESSAGES, connectionId, r -> r.payload().set(messages));
    }

    OffloadReply seal(KeyHandle handle, int contentType, byte[] content) {
        return call(OffloadOperation.SEAL_RECORD, 0, r -> r.keyHandle(handle.value()).contentType(contentType)
                .payload().set(content));
    }

    OffloadReply open(KeyHandle handle, byte[] record) {
        return call(OffloadOperation.OPEN_RECORD, 0, r -> r.keyHandle(handle.value()).payload().set(record));
    }

    /** The key log's secrets for one client random, by label. */
    Map<String, String> keyLog(byte[] clientRandom) {
        Map<String, String> secrets = new HashMap<>();
        String random = HexFormat.of().formatHex(clientRandom);
        try {
            for (String line : Files.readAllLines(keyLogPath)) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 3 && parts[1].equalsIgnoreCase(random)) {
                    secrets.put(parts[0], parts[2].toLowerCase());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return secrets;
    }

    static void assertHex(byte[] expected, byte[] actual, String what) {
        assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(actual), what);
    }

    @Override
    public void close() {
        engine.close();
    }
}
