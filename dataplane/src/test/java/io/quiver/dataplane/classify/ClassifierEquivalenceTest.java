package io.quiver.dataplane.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.model.VnicConfig;
import io.quiver.dataplane.packet.ArpFrameBuilder;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.GuestTraffic;
import io.quiver.dataplane.packet.ParsedBurst;
import io.quiver.dataplane.packet.ParsedFrames;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.vnic.AttachedVnic;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hardware classifier (a NIC programmed with {@link FlowRulePlan}, emulated by evaluating the plan's rules in
 * priority order) and the software classifier give the same result for the same packets.
 */
class ClassifierEquivalenceTest {
    static List<VnicConfig> vnics(int n) {
        List<VnicConfig> v = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            v.add(AttachedVnic.of("v" + i, Ethernet.formatMac(GuestTraffic.guestMac(i)),
                    i % 3 == 0 ? List.of(Ethernet.formatMac(new byte[] {2, 1, 0, 0, (byte) (i >> 8), (byte) i})) : List.of(),
                    i % 5 == 0 ? List.of() : List.of(UdpFrameBuilder.formatIpv4(GuestTraffic.guestIp(i)) + "/16"),
                    i % 4 == 0 ? 100 : 0, "p").config());
        }
        return v;
    }

    @Test
    void hardwarePlanAndSoftwareAgreeOnRandomTraffic() {
        List<VnicConfig> specs = vnics(40);
        ClassifierTables t = new ClassifierTables(specs);
        FlowRulePlan plan = new FlowRulePlan(specs);
        Random r = new Random(11);
        List<byte[]> frames = new ArrayList<>();
        List<Integer> vlans = new ArrayList<>();
        for (int k = 0; k < 20000; k++) {
            int i = 1 + r.nextInt(45); // some MACs and IPs belong to no VNIC
            byte[] dst = switch (r.nextInt(6)) {
                case 0 -> new byte[] {-1, -1, -1, -1, -1, -1};
                case 1 -> new byte[] {2, 1, 0, 0, 0, (byte) i};
                default -> GuestTraffic.guestMac(i);
            };
            int dip = r.nextInt(4) == 0 ? r.nextInt() : GuestTraffic.guestIp(1 + r.nextInt(45));
            byte[] f = switch (r.nextInt(4)) {
                case 0 -> ArpFrameBuilder.frame(dst, GuestTraffic.GATEWAY_MAC, 1 + r.nextInt(2), GuestTraffic.GATEWAY_MAC, 1, new byte[6], dip);
                case 1 -> new byte[] {dst[0], dst[1], dst[2], dst[3], dst[4], dst[5], 2, 0, 0, 0, 0, 1, (byte) 0x88, (byte) 0xcc, 0, 0}; // another ethertype (LLDP)
                case 2 -> new byte[r.nextInt(14)];
                default -> new UdpFrameBuilder().destinationMac(dst).sourceMac(GuestTraffic.GATEWAY_MAC).sourceIp(1).destinationIp(dip).ports(1, 2).build();
            };
            frames.add(f);
            vlans.add(r.nextInt(3) == 0 ? 100 : 0);
        }
        int steeredByHardware = 0;
        try (Arena arena = Arena.ofConfined()) {
            ParsedBurst b = ParsedFrames.parse(arena, frames);
            for (int k = 0; k < frames.size(); k++) {
                int vlan = vlans.get(k);
                int queue = plan.queueFor(b, k, vlan);
                int software = SoftwareClassifier.INSTANCE.classify(t, b, k, 0, vlan);
                int hardware = FlowRuleClassifier.INSTANCE.classify(t, b, k, queue, vlan);
                assertEquals(software, hardware, "packet " + k + " (queue " + queue + ")");
                // an identified connection's rule may steer any VNIC's packet to a class queue: software decides there
                int onClassQueue = FlowRuleClassifier.INSTANCE.classify(t, b, k, FlowRulePlan.classQueue(1 + k % 3), vlan);
                assertEquals(software, onClassQueue, "packet " + k + " on a class queue");
                if (queue > 0) {
                    steeredByHardware++;
                }
            }
        }
        assertTrue(steeredByHardware > 5000, "the rules, not the fallback, classified most packets: " + steeredByHardware);
    }

    @Test
    void thePlanHasThreeRulesPerMacPlusOnePerAddress() {
        List<VnicConfig> specs = vnics(6);
        FlowRulePlan plan = new FlowRulePlan(specs);
        int macs = specs.stream().mapToInt(v -> 1 + v.secondaryMacs().size()).sum();
        int perMacIps = specs.stream().mapToInt(v -> (1 + v.secondaryMacs().size()) * v.ipv4Addresses().size()).sum();
        assertEquals(2 * macs + perMacIps, plan.rules().size());
        assertEquals(1 + FlowRulePlan.CLASS_QUEUES + 2 * 6, plan.queues());
        assertEquals(FlowRulePlan.CONNECTION_PRIORITY + 1, plan.rules().get(0).priority(), "priority 0 is the connections'");
        assertArrayEquals(new int[] {3, 2, 1, 0, 4, 5, 6}, FlowRulePlan.pollOrder(7), "the highest class queue first");
        assertThrows(IllegalArgumentException.class, () -> FlowRulePlan.classQueue(0), "the lowest class has no queue");
        assertTrue(plan.rules().get(0).toString().contains("ipv4 dst"));
    }

    @Test
    void clashingAddressesAreRefused() {
        var a = AttachedVnic.of("a", "02:00:00:00:00:01", List.of(), List.of("10.0.0.1/24"), 0, "p").config();
        var sameMac = AttachedVnic.of("b", "02:00:00:00:00:01", List.of(), List.of("10.0.0.2/24"), 0, "p").config();
        var sameIp = AttachedVnic.of("c", "02:00:00:00:00:03", List.of(), List.of("10.0.0.1/24"), 0, "p").config();
        var sameMacOtherVlan = AttachedVnic.of("d", "02:00:00:00:00:01", List.of(), List.of("10.0.1.2/24"), 7, "p").config();
        assertThrows(IllegalArgumentException.class, () -> new ClassifierTables(List.of(a, sameMac)));
        assertThrows(IllegalArgumentException.class, () -> new ClassifierTables(List.of(a, sameIp)));
        assertEquals(2, new ClassifierTables(List.of(a, sameMacOtherVlan)).vnicCount());
        assertThrows(IllegalArgumentException.class, () -> AttachedVnic.of("x", "03:00:00:00:00:01", List.of(), List.of(), 0, "p").config());
        assertThrows(IllegalArgumentException.class, () -> AttachedVnic.of("x", "02:00:00:00:00:01", List.of(), List.of(), 4095, "p").config());
        assertThrows(IllegalArgumentException.class, () -> AttachedVnic.of("x", "02:00:00:00:00:01", List.of(), List.of("10.0.0.1/33"), 0, "p").config());
    }
}
