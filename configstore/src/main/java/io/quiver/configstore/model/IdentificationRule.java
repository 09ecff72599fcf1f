package io.quiver.configstore.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One way of recognising a subscription level's (or a flow's) connections: every condition it names must hold
 * (an absent one matches anything). The conditions on headers are known from a connection's first packet; {@code sni}
 * needs its TLS ClientHello and {@code token} its first bytes of payload, so those decide later.
 *
 * <p>Text form, as the CLI, REST and the configuration file take it: {@code key=value} conditions joined by ',', e.g.
 * {@code vnic=web1,transport=tcp,remote-port=443} or {@code prefix=10.8.0.0/16} or {@code sni=*.example.com} or
 * {@code token=X-Tier: gold,within=512}. "local" and "remote" are seen from the VNIC: for traffic to a VNIC its
 * destination is local.
 *
 * @param vnic       the VNIC the traffic is to or from, or null for any
 * @param prefix     either endpoint's address lies in it, or null
 * @param localIp    the VNIC-side address lies in it, or null
 * @param remoteIp   the other side's address lies in it, or null
 * @param transport  6 (tcp), 17 (udp), or 0 for any
 * @param localPort  the VNIC-side port, or -1 for any
 * @param remotePort the other side's port, or -1 for any
 * @param sni        the ClientHello's server name: exact, or {@code *.suffix} for any name under the suffix; null for none
 * @param token      bytes the connection's payload must contain within its first {@code within} bytes; null for none
 * @param within     how many payload bytes the token is looked for in (1..{@value #MAX_WITHIN})
 */
public record IdentificationRule(String vnic, Ipv4Prefix prefix, Ipv4Prefix localIp, Ipv4Prefix remoteIp, int transport,
                                 int localPort, int remotePort, String sni, byte[] token, int within) {
    /** The most payload bytes a connection is inspected for (a token's window; a ClientHello larger is no match). */
    public static final int MAX_WITHIN = 2048;
    public static final int DEFAULT_WITHIN = 1024;
    public static final int MAX_SNI = 253;
    public static final int MAX_TOKEN = 128;

    public IdentificationRule {
        if (vnic != null) {
            VnicNames.validate(vnic);
        }
        if (transport != 0 && transport != 6 && transport != 17) {
            throw new ConfigException("transport must be tcp or udp");
        }
        if (localPort < -1 || localPort > 65535 || remotePort < -1 || remotePort > 65535) {
            throw new ConfigException("a port is 0..65535");
        }
        if ((localPort >= 0 || remotePort >= 0) && transport == 0) {
            throw new ConfigException("a port condition needs transport=tcp or transport=udp");
        }
        if (sni != null) {
            sni = sni.toLowerCase(Locale.ROOT);
            String host = sni.startsWith("*.") ? sni.substring(2) : sni;
            if (host.isEmpty() || sni.length() > MAX_SNI || !host.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
                throw new ConfigException("'" + sni + "' is not a server name (a DNS name, or *.suffix)");
            }
            if (transport == 17) {
                throw new ConfigException("sni needs TCP: a TLS ClientHello comes in a TCP connection");
            }
        }
        if (token != null) {
            token = token.clone();
            if (token.length == 0 || token.length > MAX_TOKEN) {
                throw new ConfigException("a token is 1.." + MAX_TOKEN + " bytes, not " + token.length);
            }
        }
        if (within < 1 || within > MAX_WITHIN) {
            throw new ConfigException("within is 1.." + MAX_WITHIN + " bytes, not " + within);
        }
        if (token != null && token.length > within) {
            throw new ConfigException("a token of " + token.length + " bytes cannot lie within the first " + within);
        }
        if (vnic == null && prefix == null && localIp == null && remoteIp == null && transport == 0 && sni == null
                && token == null) {
            throw new ConfigException("a rule needs at least one condition: vnic, prefix, local-ip, remote-ip, transport, "
                    + "local-port, remote-port, sni or token");
        }
    }

    @Override
    public byte[] token() {
        return token == null ? null : token.clone();
    }

    /** Whether it decides on the first packet (nothing in it waits for payload). */
    public boolean onFirstPacket() {
        return sni == null && token == null;
    }

    public static IdentificationRule parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ConfigException("an empty rule: give conditions like prefix=10.0.0.0/8 or sni=*.example.com");
        }
        String vnic = null;
        Ipv4Prefix prefix = null;
        Ipv4Prefix local = null;
        Ipv4Prefix remote = null;
        int transport = 0;
        int localPort = -1;
        int remotePort = -1;
        String sni = null;
        byte[] token = null;
        int within = DEFAULT_WITHIN;
        List<String> seen = new ArrayList<>();
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("'" + part.trim() + "' in rule '" + text + "' is not key=value");
            }
            String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = key.equals("token") ? part.substring(eq + 1) : part.substring(eq + 1).trim();
            if (seen.contains(key)) {
                throw new ConfigException("rule '" + text + "' names " + key + " twice");
            }
            seen.add(key);
            try {
                switch (key) {
                    case "vnic" -> vnic = value;
                    case "prefix" -> prefix = Ipv4Prefix.parse(value);
                    case "local-ip" -> local = Ipv4Prefix.parse(value);
                    case "remote-ip" -> remote = Ipv4Prefix.parse(value);
                    case "transport" -> transport = switch (value.toLowerCase(Locale.ROOT)) {
                        case "tcp" -> 6;
                        case "udp" -> 17;
                        default -> throw new ConfigException("transport is tcp or udp, not '" + value + "'");
                    };
                    case "local-port" -> localPort = port(value);
                    case "remote-port" -> remotePort = port(value);
                    case "sni" -> sni = value;
                    case "token" -> token = value.getBytes(StandardCharsets.UTF_8);
                    case "token-hex" -> token = hex(value);
                    case "within" -> within = number(value, "within");
                    default -> throw new ConfigException("unknown condition '" + key + "': one of vnic, prefix, local-ip, "
                            + "remote-ip, transport, local-port, remote-port, sni, token, token-hex, within");
                }
            } catch (ConfigException e) {
                throw new ConfigException("rule '" + text + "': " + e.getMessage());
            }
        }
        if (seen.contains("token") && seen.contains("token-hex")) {
            throw new ConfigException("rule '" + text + "' names token and token-hex");
        }
        try {
            return new IdentificationRule(vnic, prefix, local, remote, transport, localPort, remotePort, sni, token, within);
        } catch (ConfigException e) {
            throw new ConfigException("rule '" + text + "': " + e.getMessage());
        }
    }

    private static int port(String value) {
        int p = number(value, "a port");
        if (p > 65535) {
            throw new ConfigException("a port is 0..65535, not " + value);
        }
        return p;
    }

    private static int number(String value, String what) {
        long n = Text.parseDecimal(value, 0, value.length(), Integer.MAX_VALUE);
        if (n < 0) {
            throw new ConfigException(what + " must be a number, not '" + value + "'");
        }
        return (int) n;
    }

    private static byte[] hex(String value) {
        if (value.length() % 2 != 0 || !value.matches("[0-9a-fA-F]*")) {
            throw new ConfigException("token-hex needs an even number of hex digits, not '" + value + "'");
        }
        byte[] b = new byte[value.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(value.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    /** Whether a token prints as itself in the text form (else it is written as token-hex). */
    private static boolean printable(byte[] token) {
        for (byte c : token) {
            if (c < 0x20 || c > 0x7e || c == ',') {
                return false;
            }
        }
        return token.length > 0 && token[0] != ' ' && token[token.length - 1] != ' ';
    }

    /**
     * Whether some connection could match both this rule and {@code other}: used to refuse two levels of the same
     * rank whose order would be ambiguous. Conservative: payload conditions that differ may still both hold.
     */
    public boolean overlaps(IdentificationRule other) {
        if (vnic != null && other.vnic != null && !vnic.equals(other.vnic)) {
            return false;
        }
        if (transport != 0 && other.transport != 0 && transport != other.transport) {
            return false;
        }
        if (localPort >= 0 && other.localPort >= 0 && localPort != other.localPort
                || remotePort >= 0 && other.remotePort >= 0 && remotePort != other.remotePort) {
            return false;
        }
        if (disjoint(localIp, other.localIp) || disjoint(remoteIp, other.remoteIp)) {
            return false;
        }
        if (sni != null && other.sni != null && !namesOverlap(sni, other.sni)) {
            return false;
        }
        // a prefix on either endpoint disjoint from the other's either-endpoint prefix could still match the other end
        return true;
    }

    private static boolean disjoint(Ipv4Prefix a, Ipv4Prefix b) {
        if (a == null || b == null) {
            return false;
        }
        int len = Math.min(a.length(), b.length());
        return ((a.network().bits() ^ b.network().bits()) & Ipv4Prefix.mask(len)) != 0;
    }

    private static boolean namesOverlap(String a, String b) {
        return matchesName(a, b) || matchesName(b, a) || a.equals(b)
                || a.startsWith("*.") && b.startsWith("*.") && (a.endsWith(b.substring(1)) || b.endsWith(a.substring(1)));
    }

    /** Whether server name {@code name} matches {@code pattern} (exact, or {@code *.suffix}: one or more labels before it). */
    public static boolean matchesName(String pattern, String name) {
        if (pattern.startsWith("*.")) {
            String suffix = pattern.substring(1);
            return name.length() > suffix.length() && name.endsWith(suffix);
        }
        return pattern.equals(name);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (vnic != null) {
            parts.add("vnic=" + vnic);
        }
        if (prefix != null) {
            parts.add("prefix=" + prefix);
        }
        if (localIp != null) {
            parts.add("local-ip=" + localIp);
        }
        if (remoteIp != null) {
            parts.add("remote-ip=" + remoteIp);
        }
        if (transport != 0) {
            parts.add("transport=" + (transport == 6 ? "tcp" : "udp"));
        }
        if (localPort >= 0) {
            parts.add("local-port=" + localPort);
        }
        if (remotePort >= 0) {
            parts.add("remote-port=" + remotePort);
        }
        if (sni != null) {
            parts.add("sni=" + sni);
        }
        if (token != null) {
            if (printable(token)) {
                parts.add("token=" + new String(token, StandardCharsets.US_ASCII));
            } else {
                StringBuilder h = new StringBuilder("token-hex=");
                for (byte x : token) {
                    h.append(String.format("%02x", x & 0xff));
                }
                parts.add(h.toString());
            }
        }
        if (within != DEFAULT_WITHIN) {
            parts.add("within=" + within);
        }
        return String.join(",", parts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdentificationRule r && toString().equals(r.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
