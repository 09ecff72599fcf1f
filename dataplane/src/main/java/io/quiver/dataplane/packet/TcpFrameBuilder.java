package io.quiver.dataplane.packet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds one Ethernet + IPv4 + TCP segment with correct checksums: what the priority benchmark and tests send as a
 * connection's packets (a SYN, then segments carrying a ClientHello or a request).
 */
public final class TcpFrameBuilder {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    private byte[] destinationMac = new byte[6];
    private byte[] sourceMac = new byte[6];
    private int sourceIp;
    private int destinationIp;
    private int sourcePort;
    private int destinationPort;
    private int seq;
    private int ack;
    private int flags = ACK;
    private byte[] payload = new byte[0];

    public TcpFrameBuilder destinationMac(byte[] mac) {
        this.destinationMac = mac.clone();
        return this;
    }

    public TcpFrameBuilder sourceMac(byte[] mac) {
        this.sourceMac = mac.clone();
        return this;
    }

    public TcpFrameBuilder sourceIp(int ip) {
        this.sourceIp = ip;
        return this;
    }

    public TcpFrameBuilder destinationIp(int ip) {
        this.destinationIp = ip;
        return this;
    }

    public TcpFrameBuilder ports(int source, int destination) {
        this.sourcePort = source;
        this.destinationPort = destination;
        return this;
    }

    public TcpFrameBuilder seq(int seq) {
        this.seq = seq;
        return this;
    }

    public TcpFrameBuilder ack(int ack) {
        this.ack = ack;
        return this;
    }

    public TcpFrameBuilder flags(int flags) {
        this.flags = flags;
        return this;
    }

    public TcpFrameBuilder payload(byte[] payload) {
        this.payload = payload.clone();
        return this;
    }

    /** The frame, padded to the 60-byte Ethernet minimum. */
    public byte[] build() {
        int tcpLength = 20 + payload.length;
        int ipLength = 20 + tcpLength;
        ByteBuffer b = ByteBuffer.allocate(Math.max(UdpFrameBuilder.MIN_FRAME, 14 + ipLength)).order(ByteOrder.BIG_ENDIAN);
        b.put(destinationMac).put(sourceMac).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) ipLength).putShort((short) 0).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 6).putShort((short) 0).putInt(sourceIp).putInt(destinationIp);
        b.putShort(24, (short) Checksums.internet(b.array(), 14, 20));
        b.position(34);
        b.putShort((short) sourcePort).putShort((short) destinationPort).putInt(seq).putInt(ack)
                .put((byte) (5 << 4)).put((byte) flags).putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        b.put(payload);
        b.putShort(50, (short) Checksums.tcpIpv4(b.array(), 14, 34, tcpLength));
        return b.array();
    }
}
