package io.quiver.control.guest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a datagram can be wrong, and the exact message the decoder gives for it. */
class GuestCodecMalformedTest {
    private static final String SET = "QUIVER/1 REQUEST 7\nop: set\nparameter: mtu\nvalue: 1400\n\n";

    static Stream<Arguments> malformed() {
        return Stream.of(
                // size and encoding
                bytes("empty", new byte[0], "empty datagram"),
                text("oversize", SET + "x".repeat(513 - SET.length()),
                        "oversize datagram: 513 bytes, a message is at most 512"),
                bytes("a byte that is never UTF-8", concat(SET.substring(0, 50), 0xFF, "\n\n"),
                        "not UTF-8: invalid byte sequence at byte 51 (0xFF)"),
                bytes("an overlong encoding of '/'", concat("QUIVER", 0xC0, 0xAF, "1 REQUEST 7\n\n"),
                        "not UTF-8: invalid byte sequence at byte 7 (0xC0)"),
                bytes("an encoded surrogate", concat(SET.substring(0, 50), 0xED, 0xA0, 0x80, "\n\n"),
                        "not UTF-8: invalid byte sequence at byte 51 (0xED)"),
                bytes("a character cut at the end", concat(SET.substring(0, 50), 0xE2, 0x82),
                        "not UTF-8: invalid byte sequence at byte 51 (0xE2)"),
                // the header
                text("not ours", "GET / HTTP/1.1\n\n",
                        "line 1: not a Quiver guest message: it starts with 'GET / HTTP/1.1', not 'QUIVER/1 '"),
                text("an empty first line", "\n" + SET,
                        "line 1: not a Quiver guest message: it starts with '', not 'QUIVER/1 '"),
                text("another version", SET.replace("QUIVER/1", "QUIVER/2"),
                        "line 1: unsupported version 'QUIVER/2': this is QUIVER/1"),
                text("no kind", "QUIVER/1\n\n", "line 1: missing kind: expected 'QUIVER/1 REQUEST|REPLY|NOTIFY'"),
                text("an unknown kind", "QUIVER/1 PING 7\n\n",
                        "line 1: unknown kind 'PING': expected REQUEST, REPLY or NOTIFY"),
                text("a kind in lower case", SET.replace("REQUEST", "request"),
                        "line 1: unknown kind 'request': expected REQUEST, REPLY or NOTIFY"),
                text("two spaces", SET.replace("1 REQUEST", "1  REQUEST"),
                        "line 1: separate the header's words with one space: 'QUIVER/1  REQUEST 7'"),
                text("a trailing space", SET.replace("7\n", "7 \n"),
                        "line 1: separate the header's words with one space: 'QUIVER/1 REQUEST 7 '"),
                text("no request id", SET.replace(" 7\n", "\n"),
                        "line 1: missing request id: a REQUEST header is 'QUIVER/1 REQUEST <id>'"),
                text("no reply id", "QUIVER/1 REPLY\n\n",
                        "line 1: missing request id: a REPLY header is 'QUIVER/1 REPLY <id>'"),
                badId("0"), badId("00"), badId("07"), badId("-1"), badId("+1"), badId("1e3"), badId("0x1F"),
                badId("2147483648"), badId("99999999999999999999"), badId("７"),
                text("a word after the id", SET.replace(" 7\n", " 7 set\n"),
                        "line 1: unexpected 'set' after the request id"),
                text("an id on a notification", "QUIVER/1 NOTIFY 5\nsequence: 5\nparameter: mtu\nvalue: 1\n\n",
                        "line 1: a NOTIFY header ends after the kind (its order is in the sequence key)"),
                // characters
                text("CR LF line ends", SET.replace("\n", "\r\n"), "line 1: control character U+000D (carriage "
                        + "return: lines end with \\n alone) at character 19"),
                text("a tab", SET.replace("value: 1400", "value:\t1400"),
                        "line 4: control character U+0009 (tab: separate with one space) at character 7"),
                text("a NUL", SET.replace("1400", "14\u000000"), "line 4: control character U+0000 (NUL) at character 10"),
                text("DEL", SET.replace("1400", "1400\u007F"), "line 4: control character U+007F at character 12"),
                text("a C1 control", SET.replace("1400", "\u00851400"), "line 4: control character U+0085 at character 8"),
                text("a right-to-left override", SET.replace("1400", "\u202E0041"),
                        "line 4: forbidden character U+202E at character 8"),
                text("a zero-width space", SET.replace("mtu", "m\u200Btu"),
                        "line 3: forbidden character U+200B at character 13"),
                text("a byte-order mark", "\uFEFF" + SET, "line 1: forbidden character U+FEFF at character 1"),
                text("a line separator", SET.replace("1400", "14\u202800"),
                        "line 4: forbidden character U+2028 at character 10"),
                // lines and keys
                text("no colon", SET.replace("op: set", "op set"), "line 2: expected 'key: value', got 'op set'"),
                text("no space after the colon", SET.replace("op: set", "op:set"), "line 2: put one space after 'op:'"),
                text("two spaces after the colon", SET.replace("op: set", "op:  set"),
                        "line 2: bad value for 'op': it starts or ends with a space"),
                text("a trailing space", SET.replace("1400", "1400 "),
                        "line 4: bad value for 'value': it starts or ends with a space"),
                text("a no-break space at the end", SET.replace("1400", "1400\u00A0"),
                        "line 4: bad value for 'value': it starts or ends with a space"),
                text("nothing after the colon", SET.replace("op: set", "op:"), "line 2: empty value for 'op'"),
                text("only a space after the colon", SET.replace("op: set", "op: "),
                        "line 2: bad value for 'op': it is empty"),
                text("a space before the colon", SET.replace("op: set", "op : set"),
                        "line 2: unknown key 'op ' in a REQUEST (its keys: op, parameter, value)"),
                text("a key in capitals", SET.replace("op: set", "Op: set"),
                        "line 2: unknown key 'Op' in a REQUEST (its keys: op, parameter, value)"),
                text("a request naming a VNIC", SET.replace("op: set\n", "op: set\nvnic: vm2-eth0\n"),
                        "line 3: unknown key 'vnic' in a REQUEST (its keys: op, parameter, value)"),
                text("a reply's key in a request", SET.replace("op: set\n", "op: set\nstatus: accepted\n"),
                        "line 3: unknown key 'status' in a REQUEST (its keys: op, parameter, value)"),
                text("a request's key in a notification", "QUIVER/1 NOTIFY\nop: set\n\n",
                        "line 2: unknown key 'op' in a NOTIFY (its keys: parameter, value, sequence)"),
                text("a duplicate key", SET.replace("value: 1400\n", "value: 1400\nparameter: vlan\n"),
                        "line 5: duplicate key 'parameter'"),
                text("the same key twice with the same value", SET.replace("op: set\n", "op: set\nop: set\n"),
                        "line 3: duplicate key 'op'"),
                // truncation and the end of the message
                text("no empty line at the end", SET.substring(0, SET.length() - 1),
                        "truncated: no empty line after line 4 ends the message"),
                text("cut in a line", SET.substring(0, SET.length() - 4),
                        "truncated: line 4 has no end (every line ends with \\n, and an empty line ends the message)"),
                text("cut in the header", "QUIVER/1 REQUEST 7",
                        "truncated: line 1 has no end (every line ends with \\n, and an empty line ends the message)"),
                text("a header alone", "QUIVER/1 REQUEST 7\n", "truncated: no empty line after line 1 ends the message"),
                text("data after the end", SET + "op: get\n\n",
                        "line 6: data after the empty line that ends the message"),
                text("two empty lines", SET + "\n", "line 6: data after the empty line that ends the message"),
                // requests
                text("no op", "QUIVER/1 REQUEST 7\nparameter: mtu\n\n", "missing key 'op': a request is a set or a get"),
                text("an unknown op", SET.replace("op: set", "op: put"), "unknown op 'put': use set or get"),
                text("an op in capitals", SET.replace("op: set", "op: SET"), "unknown op 'SET': use set or get"),
                text("no parameter", "QUIVER/1 REQUEST 7\nop: get\n\n",
                        "missing key 'parameter': a request names the parameter"),
                text("a set without a value", "QUIVER/1 REQUEST 7\nop: set\nparameter: mtu\n\n",
                        "missing key 'value': a set request carries the new value"),
                text("a get with a value", SET.replace("op: set", "op: get"), "a get request carries no value"),
                text("a parameter in capitals", SET.replace("mtu", "MTU"),
                        "bad parameter 'MTU': use 1 to 32 of a-z, 0-9 and '-', starting with a letter"),
                text("a parameter starting with a digit", SET.replace("mtu", "1mtu"),
                        "bad parameter '1mtu': use 1 to 32 of a-z, 0-9 and '-', starting with a letter"),
                text("a parameter of 33 characters", SET.replace("mtu", "m".repeat(33)),
                        "bad parameter 'mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm': use 1 to 32 of a-z, 0-9 and '-', starting "
                                + "with a letter"),
                // replies
                text("an unknown status", "QUIVER/1 REPLY 7\nstatus: ok\nparameter: mtu\nvalue: 1\n\n",
                        "unknown status 'ok': use accepted, denied or error"),
                text("no status", "QUIVER/1 REPLY 7\nparameter: mtu\nvalue: 1\n\n",
                        "missing key 'status': a reply is accepted, denied or error"),
                text("accepted without a value", "QUIVER/1 REPLY 7\nstatus: accepted\nparameter: mtu\n\n",
                        "missing key 'value': an accepted reply carries the value"),
                text("accepted with a reason", "QUIVER/1 REPLY 7\nstatus: accepted\nparameter: mtu\nvalue: 1\n"
                        + "reason: conflict\n\n", "an accepted reply carries no reason and no message"),
                text("denied without a reason", "QUIVER/1 REPLY 7\nstatus: denied\nparameter: mtu\n\n",
                        "missing key 'reason': a denied reply says why"),
                text("denied with a value", "QUIVER/1 REPLY 7\nstatus: denied\nparameter: mtu\nvalue: 1\n"
                        + "reason: conflict\n\n", "a denied reply carries no value and no sequence"),
                text("a reason that is not a name", "QUIVER/1 REPLY 7\nstatus: error\nparameter: mtu\n"
                        + "reason: Disk Full\n\n",
                        "bad reason 'Disk Full': use 1 to 32 of a-z, 0-9 and '-', starting with a letter"),
                text("a bad reply sequence", "QUIVER/1 REPLY 7\nstatus: accepted\nparameter: mtu\nvalue: 1\n"
                        + "sequence: 0\n\n",
                        "bad sequence '0': use 1 to 9223372036854775807 in decimal digits, no sign, no leading zero"),
                // notifications
                text("a notification without a sequence", "QUIVER/1 NOTIFY\nparameter: mtu\nvalue: 1\n\n",
                        "missing key 'sequence': a notification carries the change's sequence"),
                text("a sequence past 2^63-1", "QUIVER/1 NOTIFY\nsequence: 9223372036854775808\nparameter: mtu\n"
                        + "value: 1\n\n", "bad sequence '9223372036854775808': use 1 to 9223372036854775807 in decimal "
                        + "digits, no sign, no leading zero"),
                text("a notification without a value", "QUIVER/1 NOTIFY\nsequence: 3\nparameter: mtu\n\n",
                        "missing key 'value': a notification carries the value"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void isRefusedWithAMessageThatSaysWhy(String what, byte[] payload, String message) {
        GuestProtocolException e = assertThrows(GuestProtocolException.class,
                () -> GuestCodec.decode(payload, 0, payload.length));
        assertEquals(message, e.getMessage());
    }

    private static Arguments text(String what, String payload, String message) {
        return Arguments.of(what, payload.getBytes(UTF_8), message);
    }

    private static Arguments bytes(String what, byte[] payload, String message) {
        return Arguments.of(what, payload, message);
    }

    private static Arguments badId(String id) {
        return text("request id " + id, SET.replace(" 7\n", " " + id + "\n"), "line 1: bad request id '" + id
                + "': use 1 to 2147483647 in decimal digits, no sign, no leading zero");
    }

    /** Text and single bytes (given as ints), in order. */
    private static byte[] concat(Object... parts) {
        byte[] out = new byte[0];
        for (Object p : parts) {
            byte[] b = p instanceof String s ? s.getBytes(UTF_8) : new byte[] {(byte) (int) (Integer) p};
            int n = out.length;
            out = Arrays.copyOf(out, n + b.length);
            System.arraycopy(b, 0, out, n, b.length);
        }
        return out;
    }
}
