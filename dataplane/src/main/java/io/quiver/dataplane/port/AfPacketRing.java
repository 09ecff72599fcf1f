package io.quiver.dataplane.port;

import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dpdk.EthDev;
import java.util.OptionalInt;

/**
 * The kernel packet ring behind a {@code net_af_packet} port. Its frames (devarg {@code framesz}, 2048 bytes unless
 * given) bound what the port receives: a longer packet arrives cut to fit. DPDK 22.11's driver states a 1518-byte
 * largest frame, so its ethdev MTU stays 1500 whatever the port's; for a port MTU that a 2048-byte frame cannot carry,
 * Quiver sizes the ring's frames itself, unless the devargs name {@code framesz} (then they must be large enough).
 * The driver refuses a queue whose ring frame does not fit one mbuf, so the pool's mbufs follow ({@link #mbufRoom}).
 */
public final class AfPacketRing {
    static final String DRIVER = "net_af_packet";
    private static final int DEFAULT_FRAME = 2048;
    private static final String FRAME_SIZE = "framesz";
    private static final String BLOCK_SIZE = "blocksz";

    private AfPacketRing() {
    }

    /** Whether the port is an af_packet port. */
    static boolean isAfPacket(PortConfig port) {
        return port.deviceName().startsWith(DRIVER);
    }

    /**
     * The devargs to probe the port with: as given, plus {@code framesz} and {@code blocksz} for an af_packet port
     * whose MTU the default frame cannot carry.
     *
     * @throws IllegalArgumentException where the devargs name a {@code framesz} too small for the port's MTU
     */
    public static String devargs(PortConfig port) {
        if (!isAfPacket(port)) {
            return port.devargs();
        }
        OptionalInt given = devarg(port.devargs(), FRAME_SIZE);
        if (given.isPresent()) {
            if (carried(given.getAsInt()) < port.maxFrame()) {
                throw new IllegalArgumentException("port '" + port.name() + "': " + FRAME_SIZE + "=" + given.getAsInt()
                        + " carries frames of at most " + carried(given.getAsInt()) + " bytes, and MTU " + port.mtu()
                        + " needs " + port.maxFrame() + ": give " + FRAME_SIZE + "=" + ownFrame(port.maxFrame()) + " (and a "
                        + BLOCK_SIZE + " that is a multiple of it), or leave " + FRAME_SIZE + " out and Quiver sizes it");
            }
            return port.devargs();
        }
        if (carried(DEFAULT_FRAME) >= port.maxFrame()) {
            return port.devargs();
        }
        // one frame a block: the driver reads frame i at i * framesz, so a block may hold no gap
        int frame = ownFrame(port.maxFrame());
        return port.devargs() + "," + FRAME_SIZE + "=" + frame + "," + BLOCK_SIZE + "=" + frame;
    }

    /** The bytes of packet data an mbuf must hold for the port's frames: for af_packet, the ring frame's payload. */
    static int mbufRoom(PortConfig port) {
        if (!isAfPacket(port)) {
            return port.maxFrame();
        }
        OptionalInt given = devarg(port.devargs(), FRAME_SIZE);
        int frame = given.isPresent() ? given.getAsInt()
                : carried(DEFAULT_FRAME) >= port.maxFrame() ? DEFAULT_FRAME : ownFrame(port.maxFrame());
        return Math.max(port.maxFrame(), frame - EthDev.AF_PACKET_FRAME_HEADER);
    }

    /** The ring frame Quiver gives a port whose frames the default does not carry: whole pages, a block of its own. */
    static int ownFrame(int frame) {
        int page = EthDev.pageSize();
        return (macOffset() + frame + page - 1) / page * page;
    }

    /** The longest packet a {@code frameSize}-byte ring frame carries. */
    static int carried(int frameSize) {
        return frameSize - macOffset();
    }

    /**
     * Where the kernel puts the MAC header in a received ring frame: the network header is aligned after the tpacket2
     * header and at least 16 bytes of room for the MAC header (the kernel's tpacket_rcv).
     */
    private static int macOffset() {
        return align(EthDev.TPACKET2_HDRLEN + 16) - Ethernet.HEADER_LENGTH;
    }

    private static int align(int bytes) {
        int a = EthDev.TPACKET_ALIGNMENT;
        return (bytes + a - 1) / a * a;
    }

    private static OptionalInt devarg(String devargs, String key) {
        for (String part : devargs.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equals(key)) {
                try {
                    return OptionalInt.of(Integer.parseInt(part.substring(eq + 1).trim()));
                } catch (NumberFormatException e) {
                    return OptionalInt.empty(); // the driver refuses it at probe, saying so
                }
            }
        }
        return OptionalInt.empty();
    }
}
