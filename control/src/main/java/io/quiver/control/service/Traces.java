package io.quiver.control.service;

import io.quiver.dataplane.datapath.Datapath;
import io.quiver.dataplane.datapath.PacketTrace;
import io.quiver.dataplane.packet.ArpFrameBuilder;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Map;

/**
 * Packet trace requests (docs/control-plane.md, "Packet trace"): the frame a request describes, given whole in hex or
 * built from a UDP or ARP description, traced from the port it names ({@link Datapath#trace}).
 */
public final class Traces {
    /** The query parameters a trace takes: one of frame, udp and arp; vlan, ttl and size only with udp. */
    static final java.util.Set<String> PARAMETERS = java.util.Set.of("frame", "udp", "arp", "vlan", "ttl", "size", "access_token");

    private final Datapath datapath;

    public Traces(Datapath datapath) {
        this.datapath = datapath;
    }

    /**
     * Traces the frame {@code q} describes from port {@code port}.
     *
     * @throws ServiceException 404 for no such port, 400 for a frame that is not one
     */
    public PacketTrace.Result trace(String port, Map<String, String> q) {
        if (!datapath.ports().containsKey(port)) {
            throw ServiceException.notFound("no port named '" + port + "'");
        }
        for (String k : q.keySet()) {
            if (!PARAMETERS.contains(k)) {
                throw ServiceException.badRequest("unknown parameter '" + k + "': a trace takes frame=HEX, udp=SRCMAC,DSTMAC,SRCIP,DSTIP"
                        + "[,SPORT,DPORT] (with vlan, ttl, size) or arp=SRCMAC,SENDERIP,TARGETIP");
            }
        }
        byte[] frame = frame(q);
        try {
            return datapath.trace(port, frame);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw ServiceException.badRequest(e.getMessage());
        }
    }

    static byte[] frame(Map<String, String> q) {
        int given = (q.containsKey("frame") ? 1 : 0) + (q.containsKey("udp") ? 1 : 0) + (q.containsKey("arp") ? 1 : 0);
        if (given != 1) {
            throw ServiceException.badRequest("a trace needs exactly one of frame=HEX, udp=SRCMAC,DSTMAC,SRCIP,DSTIP[,SPORT,DPORT] "
                    + "and arp=SRCMAC,SENDERIP,TARGETIP");
        }
        if (!q.containsKey("udp") && (q.containsKey("vlan") || q.containsKey("ttl") || q.containsKey("size"))) {
            throw ServiceException.badRequest("vlan, ttl and size describe a udp=... frame");
        }
        try {
            if (q.containsKey("frame")) {
                try {
                    return HexFormat.of().parseHex(q.get("frame").replace(":", "").replace(" ", ""));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("frame= is the frame's bytes in hex (two digits a byte): " + e.getMessage());
                }
            }
            if (q.containsKey("arp")) {
                String[] a = fields(q.get("arp"), 3, 3, "arp=SRCMAC,SENDERIP,TARGETIP");
                return ArpFrameBuilder.request(Ethernet.parseMac(a[0]), ip(a[1]), ip(a[2]));
            }
            String[] u = fields(q.get("udp"), 4, 6, "udp=SRCMAC,DSTMAC,SRCIP,DSTIP[,SPORT,DPORT]");
            int header = Ethernet.HEADER_LENGTH + 28;
            int size = (int) number(q, "size", header + 4, header + 4, 9216); // the builder's smallest payload is 4 bytes
            byte[] built = new UdpFrameBuilder().sourceMac(Ethernet.parseMac(u[0])).destinationMac(Ethernet.parseMac(u[1]))
                    .sourceIp(ip(u[2])).destinationIp(ip(u[3])).ttl((int) number(q, "ttl", 64, 0, 255))
                    .ports(u.length > 4 ? port(u[4]) : 40000, u.length > 5 ? port(u[5]) : 7000)
                    .payload(new byte[size - header]).build();
            int vlan = (int) number(q, "vlan", 0, 0, 4094);
            return vlan == 0 ? built : tagged(built, vlan);
        } catch (IllegalArgumentException e) {
            throw ServiceException.badRequest(e.getMessage());
        }
    }

    private static String[] fields(String value, int min, int max, String form) {
        String[] f = value.split(",", -1);
        if (f.length < min || f.length > max) {
            throw new IllegalArgumentException("expected " + form + ", not '" + value + "'");
        }
        return f;
    }

    private static int ip(String s) {
        return UdpFrameBuilder.parseIpv4(s.trim());
    }

    private static int port(String s) {
        int p = Integer.parseInt(s.trim());
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("a UDP port is 0..65535, not " + p);
        }
        return p;
    }

    private static long number(Map<String, String> q, String name, long otherwise, long min, long max) {
        String v = q.get(name);
        if (v == null) {
            return otherwise;
        }
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + name + "' is a number, not '" + v + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("'" + name + "' is " + min + ".." + max + ", not " + n);
        }
        return n;
    }

    private static byte[] tagged(byte[] frame, int vlan) {
        ByteBuffer b = ByteBuffer.allocate(frame.length + 4);
        b.put(frame, 0, 12).putShort((short) 0x8100).putShort((short) vlan).put(frame, 12, frame.length - 12);
        return b.array();
    }
}
