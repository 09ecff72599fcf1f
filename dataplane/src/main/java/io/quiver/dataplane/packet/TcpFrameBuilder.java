package io.quiver.dataplane.packet;

import java.nio.ByteBuffer;

/**
 * Builds one Ethernet + IPv4 + TCP segment with correct checksums: what the priority benchmark and tests send as a
 * connection's packets (a SYN, then segments carrying a ClientHello or a request).
 */
public final class TcpFrameBuilder extends TransportFrameBuilder<TcpFrameBuilder> {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    private int seq;
    private int ack;
    private int flags = ACK;

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

    /** The frame, padded to the 60-byte Ethernet minimum. */
    public byte[] build() {
        int tcpLength = 20 + payload.length;
        ByteBuffer b = headers(6, tcpLength);
        b.putShort((short) sourcePort).putShort((short) destinationPort).putInt(seq).putInt(ack)
                .put((byte) (5 << 4)).put((byte) flags).putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        b.put(payload);
        b.putShort(ETHERNET + IPV4 + 16, (short) Checksums.tcpIpv4(b.array(), ETHERNET, ETHERNET + IPV4, tcpLength));
        return b.array();
    }
}
