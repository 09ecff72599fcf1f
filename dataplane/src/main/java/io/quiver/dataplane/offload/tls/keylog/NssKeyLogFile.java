package io.quiver.dataplane.offload.tls.keylog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;

/**
 * An NSS key log appended to a file readable by its owner only, flushed line by line so that Wireshark can follow
 * it live. Opening it logs a warning (without any secret) so that nobody leaves it on by accident.
 */
public final class NssKeyLogFile implements NssKeyLog {
    private static final Logger LOG = LoggerFactory.getLogger(NssKeyLogFile.class);
    private static final HexFormat HEX = HexFormat.of();

    private final Path path;
    private final Writer writer;
    private boolean failed;

    private NssKeyLogFile(Path path, Writer writer) {
        this.path = path;
        this.writer = writer;
    }

    /** Opens (appends to) the key log at {@code path}, creating it with mode 0600. */
    public static NssKeyLogFile open(Path path) throws IOException {
        if (!Files.exists(path)) {
            try {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(path);
            }
        }
        Writer writer = Files.newBufferedWriter(path, StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
        LOG.warn("TLS offload debug key log enabled: TLS secrets are written in the clear to {}", path);
        return new NssKeyLogFile(path, writer);
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public void log(String label, byte[] clientRandom, byte[] secret) {
        if (failed) {
            return;
        }
        try {
            writer.write(label);
            writer.write(' ');
            writer.write(HEX.formatHex(clientRandom));
            writer.write(' ');
            writer.write(HEX.formatHex(secret));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            failed = true;
            LOG.warn("TLS offload key log {} failed, no more lines will be written: {}", path, e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            LOG.debug("closing key log {}: {}", path, e.getMessage());
        }
    }
}
