package io.quiver.dataplane.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes pcapng (the IETF draft "PCAP Now Generic"), what tshark and Wireshark read, in the writer's byte order: a
 * section header, one interface description per captured VNIC or port, an enhanced packet block per frame (its
 * direction in epb_flags, a drop's reason as its comment) and interface statistics. Written here rather than through
 * DPDK's rte_pcapng, which would copy each frame into an mbuf of its own with a downcall per packet
 * (docs/decisions.md, "Capture").
 */
public final class PcapngWriter implements AutoCloseable {
    private static final int SECTION_HEADER = 0x0A0D0D0A;
    private static final int INTERFACE_DESCRIPTION = 1;
    private static final int INTERFACE_STATISTICS = 5;
    private static final int ENHANCED_PACKET = 6;
    private static final int LINKTYPE_ETHERNET = 1;
    private static final short OPT_END = 0;
    private static final short OPT_COMMENT = 1;

    private final OutputStream out;
    private final ByteBuffer block = ByteBuffer.allocate(CaptureFilter.MAX_SNAPLEN + 512).order(ByteOrder.LITTLE_ENDIAN);
    private int interfaces;

    /** Starts a section on {@code out}, written by {@code application}. */
    public PcapngWriter(OutputStream out, String application) throws IOException {
        this.out = out;
        begin(SECTION_HEADER);
        block.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L); // byte order, 1.0, length unknown
        option(4, application); // shb_userappl
        end();
    }

    /**
     * Describes an interface: {@code name} (as Wireshark shows it), a description, the snap length; timestamps in
     * nanoseconds. Returns its id for {@link #packet}.
     */
    public int addInterface(String name, String description, int snaplen) throws IOException {
        begin(INTERFACE_DESCRIPTION);
        block.putShort((short) LINKTYPE_ETHERNET).putShort((short) 0).putInt(snaplen);
        option(2, name); // if_name
        option(3, description); // if_description
        block.putShort((short) 9).putShort((short) 1).put((byte) 9).put(new byte[3]); // if_tsresol: 10^-9 s
        end();
        return interfaces++;
    }

    /**
     * One frame: {@code length} bytes of {@code data} captured of {@code wireLength} on the wire, at {@code epochNanos},
     * in {@code direction} ({@link CaptureTap#INBOUND} or {@link CaptureTap#OUTBOUND}); {@code comment} may be null.
     */
    public void packet(int iface, long epochNanos, byte[] data, int length, int wireLength, int direction, String comment)
            throws IOException {
        begin(ENHANCED_PACKET);
        block.putInt(iface).putInt((int) (epochNanos >>> 32)).putInt((int) epochNanos).putInt(length).putInt(wireLength);
        block.put(data, 0, length);
        pad(length);
        block.putShort((short) 2).putShort((short) 4).putInt(direction); // epb_flags: bits 0-1 are the direction
        if (comment != null) {
            option(OPT_COMMENT, comment);
        }
        end();
    }

    /**
     * Statistics of interface {@code iface} at {@code epochNanos}: since {@code startNanos}, {@code delivered} frames
     * written and {@code lost} the capture had no room for (isb_osdrop: lost by the capturing side, not the network).
     */
    public void statistics(int iface, long startNanos, long epochNanos, long delivered, long lost) throws IOException {
        begin(INTERFACE_STATISTICS);
        block.putInt(iface).putInt((int) (epochNanos >>> 32)).putInt((int) epochNanos);
        timestamp(2, startNanos); // isb_starttime
        timestamp(3, epochNanos); // isb_endtime
        block.putShort((short) 7).putShort((short) 8).putLong(lost); // isb_osdrop
        block.putShort((short) 8).putShort((short) 8).putLong(delivered); // isb_usrdeliv
        end();
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private void begin(int type) {
        block.clear();
        block.putInt(type).putInt(0); // the length is written by end()
    }

    private void end() throws IOException {
        block.putShort(OPT_END).putShort((short) 0);
        int length = block.position() + 4;
        block.putInt(length);
        block.putInt(4, length);
        out.write(block.array(), 0, length);
    }

    private void option(int code, String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(v.length, 0xFFFF & ~3);
        block.putShort((short) code).putShort((short) length).put(v, 0, length);
        pad(length);
    }

    private void timestamp(int code, long epochNanos) {
        block.putShort((short) code).putShort((short) 8).putInt((int) (epochNanos >>> 32)).putInt((int) epochNanos);
    }

    private void pad(int length) {
        for (int k = length; (k & 3) != 0; k++) {
            block.put((byte) 0);
        }
    }
}
