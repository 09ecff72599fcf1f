package io.quiver.dataplane.priority;

/**
 * Finds the server name (SNI, RFC 6066) in the first bytes a TLS client sends: TLS records of type handshake holding
 * a ClientHello, whose server_name extension holds a host_name. Works on the bytes collected so far from a
 * connection's first segments, and says when it needs more. Every length is checked against what is there: malformed,
 * truncated or hostile input (encrypted ClientHello, garbage) ends in {@link #NONE} or {@link #NOT_TLS}, never an
 * exception. One parser per lcore: its scratch buffer is made once, nothing is allocated per call.
 */
public final class SniParser {
    /** More bytes of the connection are needed. */
    public static final int NEED_MORE = -1;
    /** A TLS handshake without a server name (none offered, or not a ClientHello). */
    public static final int NONE = -2;
    /** Not TLS at all. */
    public static final int NOT_TLS = -3;

    private static final int HANDSHAKE = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int SERVER_NAME = 0;
    private static final int HOST_NAME = 0;
    private static final int MAX_RECORD = 16384 + 256;

    /** The handshake bytes with the record headers taken out (a ClientHello may span records). */
    private final byte[] handshake;
    private int nameOffset;
    private int nameLength;

    /** @param maxHandshake the most ClientHello bytes looked at: a name further in is given up ({@link #NONE}) */
    public SniParser(int maxHandshake) {
        this.handshake = new byte[maxHandshake];
    }

    /** Where the name found by the last {@link #parse} starts in {@link #buffer()}, and its length. */
    public int nameOffset() {
        return nameOffset;
    }

    public int nameLength() {
        return nameLength;
    }

    /** The parser's buffer, which holds the name {@link #parse} found. */
    public byte[] buffer() {
        return handshake;
    }

    /**
     * Parses the first {@code length} bytes of a connection from the client: returns the name's length when found
     * ({@link #nameOffset()} says where in {@link #buffer()}), or {@link #NEED_MORE}, {@link #NONE}, {@link #NOT_TLS}.
     */
    public int parse(byte[] stream, int length) {
        int have = 0; // handshake bytes gathered from the records
        int at = 0;
        while (true) {
            if (at + 5 > length) {
                return at == 0 && length > 0 && u8(stream, 0) != HANDSHAKE ? NOT_TLS : ready(have);
            }
            int type = u8(stream, at);
            int major = u8(stream, at + 1);
            int recordLength = u16(stream, at + 3);
            if (type != HANDSHAKE || major != 3 || recordLength == 0 || recordLength > MAX_RECORD) {
                return at == 0 ? NOT_TLS : ready(have);
            }
            int take = Math.min(recordLength, length - at - 5);
            int room = Math.min(take, handshake.length - have);
            System.arraycopy(stream, at + 5, handshake, have, room);
            have += room;
            int result = ready(have);
            if (result != NEED_MORE || take < recordLength || have == handshake.length) {
                return result == NEED_MORE && have == handshake.length ? NONE : result;
            }
            at += 5 + recordLength;
        }
    }

    /** Parses the gathered handshake bytes: the name's length, {@link #NEED_MORE} or {@link #NONE}. */
    private int ready(int have) {
        if (have < 4) {
            return NEED_MORE;
        }
        if (u8(handshake, 0) != CLIENT_HELLO) {
            return NONE;
        }
        int bodyLength = u24(handshake, 1);
        int end = 4 + bodyLength;
        int p = 4 + 2 + 32; // legacy_version, random
        // each step needs its bytes: short of them, more are needed unless the message is already whole
        if (p + 1 > have) {
            return more(have, end);
        }
        p += 1 + u8(handshake, p); // session id
        if (p + 2 > have) {
            return more(have, end);
        }
        p += 2 + u16(handshake, p); // cipher suites
        if (p + 1 > have) {
            return more(have, end);
        }
        p += 1 + u8(handshake, p); // compression methods
        if (p + 2 > have) {
            return more(have, end);
        }
        int extensionsEnd = p + 2 + u16(handshake, p);
        p += 2;
        if (extensionsEnd > end) {
            return NONE; // lengths that do not agree: not a ClientHello anyone can use
        }
        while (p + 4 <= extensionsEnd) {
            if (p + 4 > have) {
                return more(have, end);
            }
            int type = u16(handshake, p);
            int dataLength = u16(handshake, p + 2);
            int data = p + 4;
            if (data + dataLength > extensionsEnd) {
                return NONE;
            }
            if (type == SERVER_NAME) {
                if (data + dataLength > have) {
                    return more(have, end);
                }
                return serverName(data, data + dataLength);
            }
            p = data + dataLength;
        }
        return p > have ? more(have, end) : NONE;
    }

    private int serverName(int from, int to) {
        if (from + 2 > to) {
            return NONE;
        }
        int listEnd = from + 2 + u16(handshake, from);
        if (listEnd > to) {
            return NONE;
        }
        for (int p = from + 2; p + 3 <= listEnd; ) {
            int type = u8(handshake, p);
            int length = u16(handshake, p + 1);
            if (p + 3 + length > listEnd) {
                return NONE;
            }
            if (type == HOST_NAME && length > 0 && length <= 255) {
                nameOffset = p + 3;
                nameLength = length;
                return length;
            }
            p += 3 + length;
        }
        return NONE;
    }

    /** Short of bytes: more are needed, unless the message (or the parser's room) has already ended. */
    private int more(int have, int end) {
        return have >= end || have >= handshake.length ? NONE : NEED_MORE;
    }

    private static int u8(byte[] b, int at) {
        return b[at] & 0xff;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    private static int u24(byte[] b, int at) {
        return (b[at] & 0xff) << 16 | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff);
    }
}
