package io.quiver.dataplane.classify;

import io.quiver.configstore.model.VnicConfig;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.PacketKind;
import io.quiver.dataplane.packet.ParsedBurst;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.vnic.WireAddresses;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The rte_flow rules that make a NIC do {@link SoftwareClassifier}'s job, as data: for each VNIC MAC (primary and
 * secondary, with the VNIC's VLAN) three rules, highest priority first:
 * <ol>
 *   <li>priority 0: destination MAC + destination IPv4 = one of the VNIC's addresses -> the VNIC's local queue;</li>
 *   <li>priority 1: destination MAC + any IPv4 -> its forwarding queue;</li>
 *   <li>priority 2: destination MAC -> its local queue (ARP and other ethertypes).</li>
 * </ol>
 * Unmatched frames (broadcast, unknown MACs) land on queue 0, where the software classifier decides. VNIC v's local
 * queue is {@code 1 + 2v}, its forwarding queue {@code 2 + 2v}, so a queue number minus one is the classifier result.
 */
public final class FlowRulePlan {
    /** One rule; {@code ipv4Dst} null with {@code anyIpv4} false matches any ethertype. */
    public record Rule(int priority, long dstMac, int vlan, Integer ipv4Dst, boolean anyIpv4, int queue) {
        boolean matches(ParsedBurst b, int i, int frameVlan) {
            if (b.dstMac[i] != dstMac || frameVlan != vlan) {
                return false;
            }
            if (ipv4Dst != null) {
                return b.kind[i] == PacketKind.IPV4 && b.dstIp[i] == ipv4Dst;
            }
            return !anyIpv4 || b.kind[i] == PacketKind.IPV4;
        }

        @Override
        public String toString() {
            return "prio " + priority + " eth dst " + Ethernet.formatMac(dstMac) + (vlan == 0 ? "" : " vlan " + vlan)
                    + (ipv4Dst != null ? " ipv4 dst " + UdpFrameBuilder.formatIpv4(ipv4Dst) : anyIpv4 ? " ipv4" : "")
                    + " -> queue " + queue;
        }
    }

    private final List<Rule> rules;
    private final int queues;

    public FlowRulePlan(List<VnicConfig> vnics) {
        List<Rule> r = new ArrayList<>();
        for (int v = 0; v < vnics.size(); v++) {
            VnicConfig spec = vnics.get(v);
            if (spec == null) {
                continue;
            }
            for (long mac : WireAddresses.macs(spec)) {
                for (int address : WireAddresses.ipv4(spec)) {
                    r.add(new Rule(0, mac, spec.vlan(), address, false, localQueue(v)));
                }
                r.add(new Rule(1, mac, spec.vlan(), null, true, forwardingQueue(v)));
                r.add(new Rule(2, mac, spec.vlan(), null, false, localQueue(v)));
            }
        }
        r.sort(Comparator.comparingInt(Rule::priority));
        this.rules = List.copyOf(r);
        this.queues = 1 + 2 * vnics.size();
    }

    public static int localQueue(int vnic) {
        return 1 + 2 * vnic;
    }

    public static int forwardingQueue(int vnic) {
        return 2 + 2 * vnic;
    }

    /** The classifier result a queue other than 0 stands for: its VNIC's local or forwarding ring. */
    static int resultOfQueue(int queue) {
        int vnic = (queue - 1) >> 1;
        return ((queue - 1) & 1) == 0 ? Classifier.local(vnic) : Classifier.forwarding(vnic);
    }

    public List<Rule> rules() {
        return rules;
    }

    /** RX queues the port needs: queue 0 for unmatched frames and two per VNIC. */
    public int queues() {
        return queues;
    }

    /** The queue a NIC programmed with this plan would put packet {@code i} on. */
    public int queueFor(ParsedBurst b, int i, int frameVlan) {
        if (b.kind[i] == PacketKind.MALFORMED) {
            return 0;
        }
        for (Rule rule : rules) {
            if (rule.matches(b, i, frameVlan)) {
                return rule.queue();
            }
        }
        return 0;
    }
}
