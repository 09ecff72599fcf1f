package io.quiver.dataplane.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.model.VnicConfig;
import io.quiver.dataplane.classify.ClassifierTables;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which remote VNICs the lcores get: clashes are refused one by one, with the reason, never the whole fabric. */
class FabricStateTest {
    private static final FabricSettings SETTINGS = new FabricSettings("qa", 0, FabricSettings.VXLAN_PORT, FabricSettings.DEFAULT_VNI_BASE);
    private static final Map<String, Integer> VNSES = Map.of("default", 0);

    private static RemoteVnic remote(String appliance, String name, String mac, int vlan, String ip) {
        VnicConfig c = VnicConfig.create(name, mac).with("ipv4-addresses", ip);
        return new RemoteVnic(appliance, vlan == 0 ? c : c.with("vlan", Integer.toString(vlan)));
    }

    @Test
    void clashesAreRefusedOneByOneAndTheRestIsKept() {
        ClassifierTables local = new ClassifierTables(List.of(VnicConfig.create("g1", "02:00:00:00:00:01").with("ipv4-addresses", "10.0.0.1/24")));
        List<FabricPeer> peers = List.of(new FabricPeer("qb", 0, 0, -1), new FabricPeer("qc", 0, 0, -1));
        FabricState f = FabricState.build(SETTINGS, 1, 1550, peers, List.of(
                remote("qb", "b1", "02:00:00:00:00:0b", 0, "10.0.0.2/24"),
                remote("qb", "b2", "02:00:00:00:00:0b", 10, "10.0.10.2/24"),   // the same MAC in another of qb's VLANs
                remote("qc", "c1", "02:00:00:00:00:01", 0, "10.0.0.3/24"),     // a local VNIC's MAC
                remote("qc", "c2", "02:00:00:00:00:0c", 0, "10.0.0.2/24"),     // b1's address
                remote("qd", "d1", "02:00:00:00:00:0d", 0, "10.0.0.4/24"),     // no such peer
                remote("qc", "c3", "02:00:00:00:00:0e", 0, "10.0.0.5/24")), local, VNSES, new HashMap<>(), 4);
        assertEquals(List.of("b1", "c3"), f.remoteVnics().stream().map(r -> r.config().name()).toList());
        assertEquals(4, f.refused().size());
        assertTrue(f.refused().get(0).reason().contains("in another VLAN"), f.refused().get(0).reason());
        assertTrue(f.refused().get(1).reason().contains("local VNIC g1"), f.refused().get(1).reason());
        assertTrue(f.refused().get(2).reason().contains("claimed first"), f.refused().get(2).reason());
        assertTrue(f.refused().get(3).reason().contains("not in the directory"), f.refused().get(3).reason());
        assertEquals(0, f.peerOf(f.remotes().vnicOf(io.quiver.dataplane.packet.Ethernet.macToLong(io.quiver.dataplane.packet.Ethernet.parseMac("02:00:00:00:00:0b")), 0)));
    }
}
