package io.quiver.dataplane.vnic;

import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.model.VnicParameter;
import java.util.List;
import java.util.Objects;

/**
 * A VNIC as the datapath is given one: its configuration (the database's model, the one VNIC model there is) and the
 * port its guest is attached by (a TAP, an af_packet veth end, a vhost-user or memif socket: any ethdev). The port is
 * a fact of the appliance's ports, not a network parameter, so it is not in the configuration.
 */
public record AttachedVnic(VnicConfig config, String port) {
    public AttachedVnic {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(port, "port");
        if (port.isBlank()) {
            throw new IllegalArgumentException("VNIC " + config.name() + " needs a port");
        }
    }

    /**
     * A VNIC from the texts a configuration file gives (addresses in the model's syntax, VLAN 0 for none), checked
     * by the model's parsers; an {@link IllegalArgumentException} says what is wrong.
     */
    public static AttachedVnic of(String name, String mac, List<String> secondaryMacs, List<String> ipv4, int vlan, String port) {
        try {
            VnicConfig c = VnicConfig.create(name, mac);
            if (secondaryMacs != null && !secondaryMacs.isEmpty()) {
                c = c.with(VnicParameter.SECONDARY_MACS, String.join(",", secondaryMacs));
            }
            if (ipv4 != null && !ipv4.isEmpty()) {
                c = c.with(VnicParameter.IPV4_ADDRESSES, String.join(",", ipv4));
            }
            if (vlan != 0) {
                c = c.with(VnicParameter.VLAN, Integer.toString(vlan));
            }
            return new AttachedVnic(c, port);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("VNIC " + name + ": " + e.getMessage(), e);
        }
    }

    public String name() {
        return config.name();
    }
}
