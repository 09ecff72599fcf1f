package io.quiver.configstore.model;

import java.util.Locale;

/**
 * What a VNIC's guest is kept from forging, after illumos {@code dladm set-linkprop -p protection} (docs/configuration.md
 * sets the two side by side). A VNIC's protection is a set of these; {@code mac-nospoof,ip-nospoof} is the default.
 */
public enum LinkProtection {
    /** Frames leave only with the VNIC's primary or a secondary MAC as source; ARP and ND link-layer addresses too. */
    MAC_NOSPOOF,
    /**
     * IPv4 and IPv6 sources, ARP sender addresses and ND target addresses are the VNIC's own; no IPv6 router
     * advertisements, redirects or DHCPv6 server messages unless the VNIC is a router.
     */
    IP_NOSPOOF,
    /** No DHCP server messages (DHCPv4 replies from port 67, DHCPv6 from port 547) leave the guest. */
    DHCP_NOSPOOF,
    /** Only IPv4, IPv6 and ARP frames leave the guest. */
    RESTRICTED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** This value's bit in a protection mask (the dataplane's form of a set). */
    public int bit() {
        return 1 << ordinal();
    }
}
