package io.quiver.dataplane.guest;

import io.quiver.configstore.model.ReservedAddresses;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.UdpFrameBuilder;

/**
 * Where guests reach the appliance's configuration service: a link-local address in the spirit of the cloud
 * metadata address, answered by Quiver itself on each guest's VNIC (never forwarded anywhere).
 */
public final class GuestServiceAddress {
    /** The service's address. */
    public static final String ADDRESS = ReservedAddresses.SERVICE_IPV4_TEXT;
    /** {@link #ADDRESS} in host order. */
    public static final int IP = ReservedAddresses.SERVICE_IPV4;
    /** The UDP port requests go to. */
    public static final int PORT = 6860;
    /** The UDP port of the TLS handshake offload service (docs/tls-offload.md). */
    public static final int TLS_OFFLOAD_PORT = 6862;
    /** The UDP port guests listen on for notifications. */
    public static final int NOTIFY_PORT = 6861;
    /** The MAC the service answers ARP with (locally administered). */
    public static final byte[] MAC = {0x02, 0x51, 0x56, 0x52, 0x00, 0x01};
    public static final long MAC_LONG = Ethernet.macToLong(MAC);

    private GuestServiceAddress() {
    }

    /**
     * A UDP frame from the service address and {@code servicePort} to a guest: how the appliance's services (replies,
     * notifications) answer, injected into the guest's VNIC.
     */
    public static byte[] frameTo(long guestMac, int guestIp, int servicePort, int guestPort, byte[] payload) {
        return new UdpFrameBuilder().destinationMac(Ethernet.longToMac(guestMac)).sourceMac(MAC).sourceIp(IP)
                .destinationIp(guestIp).ports(servicePort, guestPort).payload(payload).build();
    }
}
