package io.quiver.configstore.files;

import io.quiver.configstore.model.ConfigException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The layout version of the store's files, and the header entry every file carries. The header starts with the
 * magic {@code QVCS} and a 16-bit schema version in every version, present and future; the rest is per version.
 * A reader checks the header before it reads anything else, so a file of another version is refused, not misread.
 */
public final class SchemaVersion {
    /** The version this build writes and reads. Raise it for any change to a key, value or header layout. */
    public static final int CURRENT = 1;

    private static final int MAGIC = 0x51564353; // "QVCS"
    private static final int HEADER_SIZE = 4 + 2 + 1 + 8 + 4;

    /** What a file holds; its code is part of the header. */
    public enum Role {
        VNICS(1), POLICIES(2), JOURNAL(3), VNS(4), ROUTES(5), SUBSCRIPTIONS(6);

        private final int code;

        Role(int code) {
            this.code = code;
        }

        static Role byCode(int code) {
            for (Role r : values()) {
                if (r.code == code) {
                    return r;
                }
            }
            return null;
        }
    }

    /** A decoded header: the file's role and, for a journal segment, its first sequence and capacity. */
    public record Header(int version, Role role, long firstSequence, int capacity) {
    }

    private SchemaVersion() {
    }

    public static byte[] encode(int version, Role role, long firstSequence, int capacity) {
        return ByteBuffer.allocate(HEADER_SIZE).putInt(MAGIC).putShort((short) version).put((byte) role.code)
                .putLong(firstSequence).putInt(capacity).array();
    }

    public static byte[] encode(Role role, long firstSequence, int capacity) {
        return encode(CURRENT, role, firstSequence, capacity);
    }

    /**
     * Checks the header of {@code file}, expected to hold {@code role}; a {@link SchemaVersionException} for another
     * version, a {@link ConfigException} for a file that is not a configstore file of that role.
     */
    public static Header verify(Path file, byte[] header, Role role) {
        if (header == null) {
            throw new ConfigException("configstore file " + file + " has no schema header: it is not a Quiver "
                    + "configstore file, or its creation was interrupted; move it away and retry");
        }
        ByteBuffer b = ByteBuffer.wrap(header);
        if (header.length < 6 || b.getInt() != MAGIC) {
            throw new ConfigException("configstore file " + file + " has a header without the configstore magic: "
                    + "it is not a Quiver configstore file");
        }
        int version = Short.toUnsignedInt(b.getShort());
        if (version != CURRENT) {
            throw new SchemaVersionException(file, version, CURRENT);
        }
        if (header.length != HEADER_SIZE) {
            throw new ConfigException("configstore file " + file + " has a damaged schema header ("
                    + header.length + " bytes, expected " + HEADER_SIZE + ")");
        }
        Role found = Role.byCode(b.get());
        if (found != role) {
            throw new ConfigException("configstore file " + file + " holds " + (found == null ? "an unknown role"
                    : found.name().toLowerCase(java.util.Locale.ROOT)) + ", where "
                    + role.name().toLowerCase(java.util.Locale.ROOT) + " were expected: files were renamed or mixed");
        }
        return new Header(version, found, b.getLong(), b.getInt());
    }
}
