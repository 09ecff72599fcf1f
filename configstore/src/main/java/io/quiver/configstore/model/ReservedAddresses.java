package io.quiver.configstore.model;

/**
 * Addresses the appliance keeps for itself: no VNIC may be given one, no guest policy may allow one, and a guest
 * frame whose source is one is a spoof whatever the configuration says.
 */
public final class ReservedAddresses {
    /** The configuration service's address on every VNIC (link-local, in the spirit of the cloud metadata address). */
    public static final String SERVICE_IPV4_TEXT = "169.254.169.254";
    /** {@link #SERVICE_IPV4_TEXT} as {@link Ipv4Address#bits()}. */
    public static final int SERVICE_IPV4 = Ipv4Address.parse(SERVICE_IPV4_TEXT).bits();

    private ReservedAddresses() {
    }
}
