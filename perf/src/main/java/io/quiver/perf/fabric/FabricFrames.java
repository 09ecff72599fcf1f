package io.quiver.perf.fabric;

import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.GuestTraffic;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.vnic.AttachedVnic;
import java.util.ArrayList;
import java.util.List;

/**
 * The traffic of {@code bench fabric}: guests 1..4 send to guests 5..8 (guest i to guest i + 4), 64-byte UDP frames
 * of distinct connections; as VXLAN from the peer's VTEP for the decapsulation case.
 */
final class FabricFrames {
    static final int SOURCES = 4;
    static final String PEER = "pb";
    static final int LOCAL_VTEP = UdpFrameBuilder.parseIpv4("192.0.2.1");
    static final int PEER_VTEP = UdpFrameBuilder.parseIpv4("192.0.2.2");
    static final byte[] PEER_VTEP_MAC = Ethernet.parseMac("02:00:00:00:0e:02");
    static final int VNI_BASE = 10_000;

    private FabricFrames() {
    }

    /** Guest {@code i}'s VNIC, attached by {@code port}. */
    static AttachedVnic vnic(int i, String port) {
        return AttachedVnic.of("v" + i, Ethernet.formatMac(GuestTraffic.guestMac(i)), List.of(),
                List.of(UdpFrameBuilder.formatIpv4(GuestTraffic.guestIp(i)) + "/16"), 0, port);
    }

    /** The senders' VNICs (1..4) and the receivers' (5..8). */
    static List<AttachedVnic> vnics(int from, String port) {
        List<AttachedVnic> out = new ArrayList<>();
        for (int i = from; i < from + SOURCES; i++) {
            out.add(vnic(i, port));
        }
        return out;
    }

    /** {@code count} frames from guests 1..4 to guests 5..8; {@code unknown}: to MACs no VNIC has (plain uplink switching). */
    static List<byte[]> frames(int count, boolean unknown) {
        List<byte[]> frames = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            int i = 1 + k % SOURCES;
            byte[] dst = GuestTraffic.guestMac(i + SOURCES);
            if (unknown) {
                dst = dst.clone();
                dst[3] = 0x77;
            }
            frames.add(new UdpFrameBuilder().destinationMac(dst).sourceMac(GuestTraffic.guestMac(i)).sourceIp(GuestTraffic.guestIp(i))
                    .destinationIp(GuestTraffic.guestIp(i + SOURCES)).ports(1024 + k % 60000, 53).payload(new byte[18]).build());
        }
        return frames;
    }

    /** The same frames as the peer's VTEP sends them to this appliance's: in outer Ethernet/IPv4/UDP/VXLAN (VNI of VLAN 0). */
    static List<byte[]> vxlan(List<byte[]> inner, byte[] localVtepMac) {
        List<byte[]> out = new ArrayList<>(inner.size());
        int k = 0;
        for (byte[] f : inner) {
            byte[] vx = new byte[8 + f.length];
            vx[0] = 0x08;
            vx[4] = (byte) (VNI_BASE >> 16);
            vx[5] = (byte) (VNI_BASE >> 8);
            vx[6] = (byte) VNI_BASE;
            System.arraycopy(f, 0, vx, 8, f.length);
            out.add(new UdpFrameBuilder().destinationMac(localVtepMac).sourceMac(PEER_VTEP_MAC).sourceIp(PEER_VTEP).destinationIp(LOCAL_VTEP)
                    .ports(49152 + (k++ & 0x3fff), 4789).payload(vx).build());
        }
        return out;
    }
}
