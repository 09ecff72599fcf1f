package io.quiver.dataplane.fabric;

import io.quiver.configstore.model.VnicConfig;

/**
 * A VNIC another appliance hosts, as its directory entry gives it: the same {@link VnicConfig} its host runs it with
 * (addresses, VLAN, VNS, protection), so the receiving side applies the same rules.
 */
public record RemoteVnic(String appliance, VnicConfig config) {
}
