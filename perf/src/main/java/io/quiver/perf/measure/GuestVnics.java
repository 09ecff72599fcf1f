package io.quiver.perf.measure;

import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.GuestTraffic;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.vnic.AttachedVnic;
import java.util.ArrayList;
import java.util.List;

/** The VNICs a benchmark's {@link GuestTraffic} comes from. */
public final class GuestVnics {
    private GuestVnics() {
    }

    /** Guests 1..{@code guests} ({@code v1}, ...: each guest's MAC, its IPv4 in a /16), all on {@code port}. */
    public static List<AttachedVnic> on(int guests, String port) {
        List<AttachedVnic> out = new ArrayList<>(guests);
        for (int i = 1; i <= guests; i++) {
            out.add(AttachedVnic.of("v" + i, Ethernet.formatMac(GuestTraffic.guestMac(i)), List.of(),
                    List.of(UdpFrameBuilder.formatIpv4(GuestTraffic.guestIp(i)) + "/16"), 0, port));
        }
        return out;
    }
}
