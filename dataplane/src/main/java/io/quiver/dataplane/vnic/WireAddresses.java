package io.quiver.dataplane.vnic;

import io.quiver.configstore.model.Ipv4Interface;
import io.quiver.configstore.model.Ipv6Address;
import io.quiver.configstore.model.Ipv6Interface;
import io.quiver.configstore.model.MacAddress;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.dataplane.packet.Ethernet;
import java.util.List;

/**
 * A VNIC's addresses in the forms frames carry and the tables key on, derived from its {@link VnicConfig}: MACs in
 * {@link Ethernet}'s long form, IPv4 addresses as 32-bit values. Control path only (the tables are built from these).
 */
public final class WireAddresses {
    private WireAddresses() {
    }

    public static long primaryMac(VnicConfig c) {
        return Ethernet.wireOrder(c.mac());
    }

    /** Every MAC the VNIC receives and may send with: the primary first, then the secondary ones. */
    public static long[] macs(VnicConfig c) {
        List<MacAddress> all = c.allMacs();
        long[] out = new long[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Ethernet.wireOrder(all.get(i));
        }
        return out;
    }

    /**
     * The VNIC's IPv6 addresses as (high, low) pairs: the configured ones, then the link-local address of each of its
     * MACs (RFC 4291's modified EUI-64), which its guest may always use.
     */
    public static long[] ipv6(VnicConfig c) {
        List<Ipv6Interface> configured = c.ipv6Addresses();
        List<MacAddress> macs = c.allMacs();
        long[] out = new long[2 * (configured.size() + macs.size())];
        int k = 0;
        for (Ipv6Interface a : configured) {
            out[k++] = a.address().high();
            out[k++] = a.address().low();
        }
        for (MacAddress m : macs) {
            Ipv6Address linkLocal = Ipv6Address.linkLocalOf(m);
            out[k++] = linkLocal.high();
            out[k++] = linkLocal.low();
        }
        return out;
    }

    /** The VNIC's IPv4 addresses, the primary first. */
    public static int[] ipv4(VnicConfig c) {
        List<Ipv4Interface> all = c.ipv4Addresses();
        int[] out = new int[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i).address().bits();
        }
        return out;
    }
}
