package io.quiver.control.guest;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Guest messages to datagram payloads and back, as {@code docs/guest-protocol.md} specifies them.
 *
 * <pre>
 * QUIVER/1 REQUEST 17
 * op: set
 * parameter: mtu
 * value: 1400
 * (empty line)
 * </pre>
 *
 * Decoding is strict: anything the grammar does not allow (an unknown kind, op, status or key, a key twice or missing,
 * a bad id, more than {@value GuestProtocol#MAX_DATAGRAM} bytes, bytes that are not UTF-8, a control character, a
 * message cut short) is a {@link GuestProtocolException} whose message says what and on which line; no other
 * exception comes out of a payload. It runs on the control side and allocates freely. Stateless and thread-safe.
 */
public final class GuestCodec {
    private static final String HEADER_PREFIX = "QUIVER/";
    private static final String MORE = "...";

    private GuestCodec() {
    }

    /** The message in {@code payload[offset, offset + length)}; an {@link IndexOutOfBoundsException} for a bad range. */
    public static GuestMessage decode(byte[] payload, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, payload.length);
        if (length == 0) {
            throw new GuestProtocolException("empty datagram");
        }
        if (length > GuestProtocol.MAX_DATAGRAM) {
            throw new GuestProtocolException("oversize datagram: " + length + " bytes, a message is at most "
                    + GuestProtocol.MAX_DATAGRAM);
        }
        return new Parser(utf8(payload, offset, length)).parse();
    }

    /** The message filling {@code payload}. */
    public static GuestMessage decode(byte[] payload) {
        return decode(payload, 0, payload.length);
    }

    /** As {@link #decode}, for the service port: anything but a request is a {@link GuestProtocolException}. */
    public static GuestRequest decodeRequest(byte[] payload, int offset, int length) {
        GuestMessage m = decode(payload, offset, length);
        if (m instanceof GuestRequest r) {
            return r;
        }
        throw new GuestProtocolException("expected a REQUEST, got a " + m.kind() + ": guests send requests only");
    }

    /**
     * The payload of {@code message}, at most {@value GuestProtocol#MAX_DATAGRAM} bytes. Only a reply's {@code
     * message}, free text, is shortened to fit (it then ends in {@code ...}, or is left out); anything else too large
     * is a {@link GuestProtocolException}, and a reply should then be {@link GuestReply#error} with reason {@link
     * GuestReply#TOO_LARGE}.
     */
    public static byte[] encode(GuestMessage message) {
        byte[] bytes = render(message).getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= GuestProtocol.MAX_DATAGRAM) {
            return bytes;
        }
        if (message instanceof GuestReply reply && reply.message() != null) {
            int excess = bytes.length - GuestProtocol.MAX_DATAGRAM;
            String shorter = cut(reply.message(), utf8Length(reply.message()) - excess - MORE.length());
            bytes = render(reply.withMessage(shorter == null ? null : shorter + MORE)).getBytes(StandardCharsets.UTF_8);
            if (bytes.length <= GuestProtocol.MAX_DATAGRAM) {
                return bytes;
            }
        }
        throw new GuestProtocolException(message.kind() + " too large: " + bytes.length + " bytes encoded, a message"
                + " is at most " + GuestProtocol.MAX_DATAGRAM);
    }

    private static String render(GuestMessage message) {
        StringBuilder b = new StringBuilder(128).append(GuestProtocol.VERSION).append(' ').append(message.kind());
        switch (message) {
            case GuestRequest r -> {
                b.append(' ').append(r.id()).append('\n');
                field(b, Key.OP, r.op().wireName());
                field(b, Key.PARAMETER, r.parameter());
                field(b, Key.VALUE, r.value());
            }
            case GuestReply r -> {
                b.append(' ').append(r.id()).append('\n');
                field(b, Key.STATUS, r.status().wireName());
                field(b, Key.PARAMETER, r.parameter());
                field(b, Key.VALUE, r.value());
                field(b, Key.SEQUENCE, r.sequence() == 0 ? null : Long.toString(r.sequence()));
                field(b, Key.REASON, r.reason());
                field(b, Key.MESSAGE, r.message());
            }
            case GuestNotification n -> {
                b.append('\n');
                field(b, Key.SEQUENCE, Long.toString(n.sequence()));
                field(b, Key.PARAMETER, n.parameter());
                field(b, Key.VALUE, n.value());
            }
        }
        return b.append('\n').toString();
    }

    private static void field(StringBuilder b, Key key, String value) {
        if (value != null) {
            b.append(key.wireName).append(": ").append(value).append('\n');
        }
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            i += Character.charCount(cp);
        }
        return n;
    }

    /** The longest whole-code-point start of {@code s} of at most {@code maxBytes} UTF-8 bytes, trimmed; or null. */
    private static String cut(String s, int maxBytes) {
        int bytes = 0;
        int end = 0;
        while (end < s.length()) {
            int cp = s.codePointAt(end);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > maxBytes) {
                break;
            }
            bytes += n;
            end += Character.charCount(cp);
        }
        while (end > 0 && GuestText.isSpace(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return end == 0 ? null : s.substring(0, end);
    }

    private static String utf8(byte[] payload, int offset, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(payload, offset, length);
        CharBuffer out = CharBuffer.allocate(length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new GuestProtocolException("not UTF-8: invalid byte sequence at byte " + (in.position() - offset + 1)
                    + String.format(" (0x%02X)", payload[in.position()] & 0xFF));
        }
        return out.flip().toString();
    }

    /** The keys, each with the kinds it may appear in. */
    private enum Key {
        OP("op", GuestMessage.Kind.REQUEST),
        PARAMETER("parameter", GuestMessage.Kind.REQUEST, GuestMessage.Kind.REPLY, GuestMessage.Kind.NOTIFY),
        VALUE("value", GuestMessage.Kind.REQUEST, GuestMessage.Kind.REPLY, GuestMessage.Kind.NOTIFY),
        STATUS("status", GuestMessage.Kind.REPLY),
        SEQUENCE("sequence", GuestMessage.Kind.REPLY, GuestMessage.Kind.NOTIFY),
        REASON("reason", GuestMessage.Kind.REPLY),
        MESSAGE("message", GuestMessage.Kind.REPLY);

        private static final Key[] VALUES = values();

        final String wireName;
        private final GuestMessage.Kind[] kinds;

        Key(String wireName, GuestMessage.Kind... kinds) {
            this.wireName = wireName;
            this.kinds = kinds;
        }

        boolean allowedIn(GuestMessage.Kind kind) {
            for (GuestMessage.Kind k : kinds) {
                if (k == kind) {
                    return true;
                }
            }
            return false;
        }

        static Key of(String name, GuestMessage.Kind kind) {
            for (Key k : VALUES) {
                if (k.wireName.equals(name) && k.allowedIn(kind)) {
                    return k;
                }
            }
            return null;
        }

        static String namesIn(GuestMessage.Kind kind) {
            StringBuilder b = new StringBuilder();
            for (Key k : VALUES) {
                if (k.allowedIn(kind)) {
                    b.append(b.isEmpty() ? "" : ", ").append(k.wireName);
                }
            }
            return b.toString();
        }
    }

    /** One decode: the text of one datagram, read line by line. */
    private static final class Parser {
        private final String text;
        private final String[] fields = new String[Key.VALUES.length];
        private GuestMessage.Kind kind;
        private int id;

        Parser(String text) {
            this.text = text;
        }

        GuestMessage parse() {
            int end = text.indexOf('\n');
            String header = end < 0 ? text : text.substring(0, end);
            checkCharacters(header, 1);
            parseHeader(header);
            if (end < 0) {
                throw new GuestProtocolException("truncated: line 1 has no end (every line ends with \\n, and an empty"
                        + " line ends the message)");
            }
            int line = 1;
            int pos = end + 1;
            while (true) {
                line++;
                if (pos == text.length()) {
                    throw new GuestProtocolException("truncated: no empty line after line " + (line - 1)
                            + " ends the message");
                }
                end = text.indexOf('\n', pos);
                if (end < 0) {
                    checkCharacters(text.substring(pos), line);
                    throw new GuestProtocolException("truncated: line " + line + " has no end (every line ends with"
                            + " \\n, and an empty line ends the message)");
                }
                if (end == pos) {
                    if (end + 1 != text.length()) {
                        throw new GuestProtocolException("line " + (line + 1) + ": data after the empty line that"
                                + " ends the message");
                    }
                    break;
                }
                String field = text.substring(pos, end);
                checkCharacters(field, line);
                parseField(field, line);
                pos = end + 1;
            }
            return switch (kind) {
                case REQUEST -> request();
                case REPLY -> reply();
                case NOTIFY -> notification();
            };
        }

        private static void checkCharacters(String line, int number) {
            for (int i = 0; i < line.length(); ) {
                int cp = line.codePointAt(i);
                if (GuestText.isForbidden(cp)) {
                    throw new GuestProtocolException("line " + number + ": " + GuestText.describe(cp)
                            + " at character " + (i + 1));
                }
                i += Character.charCount(cp);
            }
        }

        private void parseHeader(String header) {
            if (!header.startsWith(GuestProtocol.VERSION + " ") && !header.equals(GuestProtocol.VERSION)) {
                if (header.startsWith(HEADER_PREFIX)) {
                    int sp = header.indexOf(' ');
                    throw new GuestProtocolException("line 1: unsupported version "
                            + GuestText.quote(sp < 0 ? header : header.substring(0, sp)) + ": this is "
                            + GuestProtocol.VERSION);
                }
                throw new GuestProtocolException("line 1: not a Quiver guest message: it starts with "
                        + GuestText.quote(header) + ", not '" + GuestProtocol.VERSION + " '");
            }
            String[] tokens = header.split(" ", -1);
            if (tokens.length < 2) {
                throw new GuestProtocolException("line 1: missing kind: expected '" + GuestProtocol.VERSION
                        + " REQUEST|REPLY|NOTIFY'");
            }
            for (String t : tokens) {
                if (t.isEmpty()) {
                    throw new GuestProtocolException("line 1: separate the header's words with one space: "
                            + GuestText.quote(header));
                }
            }
            kind = switch (tokens[1]) {
                case "REQUEST" -> GuestMessage.Kind.REQUEST;
                case "REPLY" -> GuestMessage.Kind.REPLY;
                case "NOTIFY" -> GuestMessage.Kind.NOTIFY;
                default -> throw new GuestProtocolException("line 1: unknown kind " + GuestText.quote(tokens[1])
                        + ": expected REQUEST, REPLY or NOTIFY");
            };
            if (kind == GuestMessage.Kind.NOTIFY) {
                if (tokens.length > 2) {
                    throw new GuestProtocolException("line 1: a NOTIFY header ends after the kind (its order is in"
                            + " the sequence key)");
                }
                return;
            }
            if (tokens.length < 3) {
                throw new GuestProtocolException("line 1: missing request id: a " + kind + " header is '"
                        + GuestProtocol.VERSION + " " + kind + " <id>'");
            }
            if (tokens.length > 3) {
                throw new GuestProtocolException("line 1: unexpected " + GuestText.quote(tokens[3])
                        + " after the request id");
            }
            id = (int) number(tokens[2], Integer.MAX_VALUE, "line 1: bad request id");
        }

        /** Decimal digits, no sign, no leading zero, 1 to {@code max}. */
        private static long number(String s, long max, String what) {
            String limit = Long.toString(max);
            boolean ok = !s.isEmpty() && s.charAt(0) != '0' && (s.length() < limit.length()
                    || (s.length() == limit.length() && s.compareTo(limit) <= 0));
            for (int i = 0; ok && i < s.length(); i++) {
                char c = s.charAt(i);
                ok = c >= '0' && c <= '9';
            }
            if (!ok) {
                throw new GuestProtocolException(what + " " + GuestText.quote(s) + ": use 1 to " + max
                        + " in decimal digits, no sign, no leading zero");
            }
            return Long.parseLong(s);
        }

        private void parseField(String line, int number) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new GuestProtocolException("line " + number + ": expected 'key: value', got "
                        + GuestText.quote(line));
            }
            String name = line.substring(0, colon);
            Key key = Key.of(name, kind);
            if (key == null) {
                throw new GuestProtocolException("line " + number + ": unknown key " + GuestText.quote(name)
                        + " in a " + kind + " (its keys: " + Key.namesIn(kind) + ")");
            }
            if (fields[key.ordinal()] != null) {
                throw new GuestProtocolException("line " + number + ": duplicate key '" + key.wireName + "'");
            }
            if (colon + 1 == line.length()) {
                throw new GuestProtocolException("line " + number + ": empty value for '" + key.wireName + "'");
            }
            if (line.charAt(colon + 1) != ' ') {
                throw new GuestProtocolException("line " + number + ": put one space after '" + key.wireName + ":'");
            }
            String value = line.substring(colon + 2);
            String why = GuestText.whyBadValue(value);
            if (why != null) {
                throw new GuestProtocolException("line " + number + ": bad value for '" + key.wireName + "': " + why);
            }
            fields[key.ordinal()] = value;
        }

        private String field(Key key) {
            return fields[key.ordinal()];
        }

        private String required(Key key, String why) {
            String v = field(key);
            if (v == null) {
                throw new GuestProtocolException("missing key '" + key.wireName + "': " + why);
            }
            return v;
        }

        private GuestRequest request() {
            String opName = required(Key.OP, "a request is a set or a get");
            GuestRequest.Op op = GuestRequest.Op.byWireName(opName);
            if (op == null) {
                throw new GuestProtocolException("unknown op " + GuestText.quote(opName) + ": use set or get");
            }
            String parameter = required(Key.PARAMETER, "a request names the parameter");
            String value = field(Key.VALUE);
            if (op == GuestRequest.Op.SET && value == null) {
                required(Key.VALUE, "a set request carries the new value");
            }
            return new GuestRequest(id, op, parameter, value);
        }

        private GuestReply reply() {
            String statusName = required(Key.STATUS, "a reply is accepted, denied or error");
            GuestReply.Status status = GuestReply.Status.byWireName(statusName);
            if (status == null) {
                throw new GuestProtocolException("unknown status " + GuestText.quote(statusName)
                        + ": use accepted, denied or error");
            }
            String parameter = required(Key.PARAMETER, "a reply names the request's parameter");
            if (status == GuestReply.Status.ACCEPTED) {
                required(Key.VALUE, "an accepted reply carries the value");
            } else {
                required(Key.REASON, "a " + status.wireName() + " reply says why");
            }
            String sequence = field(Key.SEQUENCE);
            return new GuestReply(id, status, parameter, field(Key.VALUE), field(Key.REASON), field(Key.MESSAGE),
                    sequence == null ? 0 : number(sequence, Long.MAX_VALUE, "bad sequence"));
        }

        private GuestNotification notification() {
            long sequence = number(required(Key.SEQUENCE, "a notification carries the change's sequence"),
                    Long.MAX_VALUE, "bad sequence");
            return new GuestNotification(sequence, required(Key.PARAMETER, "a notification names the parameter"),
                    required(Key.VALUE, "a notification carries the value"));
        }
    }
}
