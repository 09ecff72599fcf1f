package io.quiver.dataplane.packet;

import java.util.ArrayList;
import java.util.List;

/**
 * Generated guest traffic: 64-byte (60 + FCS) Ethernet/IPv4/UDP frames round-robin over guest MACs
 * {@code 02:00:00:00:HH:LL} (guest i = HH:LL), each a distinct 5-tuple, every {@code forgedEvery}-th frame carrying
 * a forged source MAC {@code 02:66:00:00:00:0j} that claims a guest's IP. The same shape as the peers' baseline
 * pcaps (../shared/peers/gen-pcap.py), so figures compare.
 */
public final class GuestTraffic {
    public static final byte[] GATEWAY_MAC = {2, 0, 0, 0, (byte) 0xff, (byte) 0xfe};

    private GuestTraffic() {
    }

    public static byte[] guestMac(int guest) {
        return new byte[] {2, 0, 0, 0, (byte) (guest >> 8), (byte) guest};
    }

    public static int guestIp(int guest) {
        return 0x0a000000 | (guest & 0xffff);
    }

    public static List<String> guestMacs(int guests) {
        List<String> macs = new ArrayList<>(guests);
        for (int i = 1; i <= guests; i++) {
            macs.add(Ethernet.formatMac(guestMac(i)));
        }
        return macs;
    }

    /** {@code count} frames over {@code guests} guests to the gateway; {@code forgedEvery} 0 forges none. */
    public static List<byte[]> frames(int count, int guests, int forgedEvery) {
        return frames(count, guests, forgedEvery, false);
    }

    /**
     * East-west traffic: guest i sends to guest i+1 (MAC and IPv4), so every legitimate frame crosses the appliance
     * from one VNIC into another's receive ring.
     */
    public static List<byte[]> eastWest(int count, int guests, int forgedEvery) {
        return frames(count, guests, forgedEvery, true);
    }

    private static List<byte[]> frames(int count, int guests, int forgedEvery, boolean eastWest) {
        List<byte[]> frames = new ArrayList<>(count);
        int legit = 0;
        int forged = 0;
        for (int k = 0; k < count; k++) {
            byte[] src;
            int sip;
            int peer; // east-west: the guest after the sender (a forged frame claims guest j's address)
            if (forgedEvery > 0 && k % forgedEvery == forgedEvery - 1) {
                int j = 1 + forged++ % 8;
                src = new byte[] {2, 0x66, 0, 0, 0, (byte) j};
                sip = guestIp(j);
                peer = 1 + j % guests;
            } else {
                int i = 1 + legit++ % guests;
                src = guestMac(i);
                sip = guestIp(i);
                peer = 1 + i % guests;
            }
            frames.add(new UdpFrameBuilder().destinationMac(eastWest ? guestMac(peer) : GATEWAY_MAC).sourceMac(src).sourceIp(sip)
                    .destinationIp(eastWest ? guestIp(peer) : 0x0a010000 | (k & 0xffff)).ports(1024 + (k % 60000), k % 2 == 1 ? 4789 : 53)
                    .payload(new byte[18]).build());
        }
        return frames;
    }
}
