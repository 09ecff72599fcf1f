package io.quiver.configstore.model;

import java.util.Locale;

/** How the VNIC's network stack learns routes. */
public enum RoutingProtocol {
    STATIC, RIP, OSPF, BGP;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
