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
 *   <li>priority 1: destination MAC + destination IPv4 = one of the VNIC's addresses -> the VNIC's local queue;</li>
 *   <li>priority 2: destination MAC + any IPv4 -> its forwarding queue;</li>
 *   <li>priority 3: destination MAC -> its local queue (ARP and other ethertypes).</li>
 * </ol>
 * Priority 0 is left to the connections that subscription levels identify ({@link ConnectionRules}), which go to a
 * class queue: 1 for medium, 2 for high, 3 for critical. Unmatched frames (broadcast, unknown MACs) land on queue 0.
 * On queue 0 and the class queues the software classifier decides. VNIC v's local queue is {@code 4 + 2v}, its
 * forwarding queue {@code 5 + 2v}.
 */
public final class FlowRulePlan {
    /** The rte_flow priority of an identified connection's rule: above every VNIC rule. */
    public static final int CONNECTION_PRIORITY = 0;
    /** Queues 1..3: the class queues, one per class above the lowest ({@code PriorityClass} 1..3). */
    public static final int CLASS_QUEUES = 3;
    private static final int FIRST_VNIC_QUEUE = 1 + CLASS_QUEUES;

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
                    r.add(new Rule(1, mac, spec.vlan(), address, false, localQueue(v)));
                }
                r.add(new Rule(2, mac, spec.vlan(), null, true, forwardingQueue(v)));
                r.add(new Rule(3, mac, spec.vlan(), null, false, localQueue(v)));
            }
        }
        r.sort(Comparator.comparingInt(Rule::priority));
        this.rules = List.copyOf(r);
        this.queues = FIRST_VNIC_QUEUE + 2 * vnics.size();
    }

    public static int localQueue(int vnic) {
        return FIRST_VNIC_QUEUE + 2 * vnic;
    }

    public static int forwardingQueue(int vnic) {
        return FIRST_VNIC_QUEUE + 1 + 2 * vnic;
    }

    /** The queue an identified connection of class {@code cls} (1..3) is steered to. */
    public static int classQueue(int cls) {
        if (cls < 1 || cls > CLASS_QUEUES) {
            throw new IllegalArgumentException("class queues are for classes 1.." + CLASS_QUEUES + ", not " + cls);
        }
        return cls;
    }

    /** Whether frames on {@code queue} are classified in software: unmatched ones, and the class queues'. */
    static boolean classifiedInSoftware(int queue) {
        return queue < FIRST_VNIC_QUEUE;
    }

    /** The classifier result a VNIC queue stands for: its VNIC's local or forwarding ring. */
    static int resultOfQueue(int queue) {
        int vnic = (queue - FIRST_VNIC_QUEUE) >> 1;
        return ((queue - FIRST_VNIC_QUEUE) & 1) == 0 ? Classifier.local(vnic) : Classifier.forwarding(vnic);
    }

    /**
     * The order an ingress polls a port programmed with a plan of {@code queues} queues: the class queues first,
     * the highest class first, then queue 0 and the VNIC queues. A premium packet then waits for no best-effort
     * burst of the same poll, and a NIC's full best-effort queue never drops it.
     */
    public static int[] pollOrder(int queues) {
        int[] order = new int[queues];
        int k = 0;
        for (int q = CLASS_QUEUES; q >= 1; q--) {
            order[k++] = q;
        }
        order[k++] = 0;
        for (int q = FIRST_VNIC_QUEUE; q < queues; q++) {
            order[k++] = q;
        }
        return order;
    }

    public List<Rule> rules() {
        return rules;
    }

    /** RX queues the port needs: queue 0 for unmatched frames, the class queues, and two per VNIC. */
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
