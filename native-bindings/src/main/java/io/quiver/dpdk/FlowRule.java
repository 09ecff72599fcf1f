package io.quiver.dpdk;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One rte_flow rule: attributes, a pattern (ETH [+ VLAN] [+ IPV4 [+ TCP | UDP]]) and actions (QUEUE or DROP), laid out in native
 * memory with the compiler's offsets. Rules are built on the control path; the structures live in this rule's own
 * arena until {@link #close()}.
 */
public final class FlowRule implements AutoCloseable {
    private static final int ITEM_END = Layout.intOf("RTE_FLOW_ITEM_TYPE_END");
    private static final int ITEM_ETH = Layout.intOf("RTE_FLOW_ITEM_TYPE_ETH");
    private static final int ITEM_VLAN = Layout.intOf("RTE_FLOW_ITEM_TYPE_VLAN");
    private static final int ITEM_IPV4 = Layout.intOf("RTE_FLOW_ITEM_TYPE_IPV4");
    private static final int ITEM_TCP = Layout.intOf("RTE_FLOW_ITEM_TYPE_TCP");
    private static final int ITEM_UDP = Layout.intOf("RTE_FLOW_ITEM_TYPE_UDP");
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int ACTION_END = Layout.intOf("RTE_FLOW_ACTION_TYPE_END");
    private static final int ACTION_QUEUE = Layout.intOf("RTE_FLOW_ACTION_TYPE_QUEUE");
    private static final int ACTION_DROP = Layout.intOf("RTE_FLOW_ACTION_TYPE_DROP");
    private static final long ITEM_SIZE = Layout.of("sizeof.rte_flow_item");
    private static final long ACTION_SIZE = Layout.of("sizeof.rte_flow_action");
    private static final java.lang.foreign.ValueLayout.OfShort BE16 = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final java.lang.foreign.ValueLayout.OfInt BE32 = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);

    private final Arena arena = Arena.ofShared();
    private final MemorySegment attr;
    private final List<MemorySegment[]> items = new ArrayList<>(); // {type as 4-byte segment, spec, mask}
    private final List<Object[]> actions = new ArrayList<>();      // {type, conf}
    private final StringBuilder description = new StringBuilder();

    private FlowRule(int group, int priority) {
        attr = arena.allocate(Layout.of("sizeof.rte_flow_attr"), 8);
        Flows.initAttr(attr, group, priority);
        description.append("ingress");
    }

    /** An ingress rule in group 0 at the given priority (0 is the highest). */
    public static FlowRule ingress(int priority) {
        return new FlowRule(0, priority);
    }

    /** Matches the destination MAC exactly. */
    public FlowRule ethDst(byte[] mac) {
        MemorySegment spec = arena.allocate(Layout.of("sizeof.rte_flow_item_eth"), 8);
        MemorySegment mask = arena.allocate(Layout.of("sizeof.rte_flow_item_eth"), 8);
        long dst = Layout.of("rte_flow_item_eth.dst");
        for (int i = 0; i < 6; i++) {
            spec.set(JAVA_BYTE, dst + i, mac[i]);
            mask.set(JAVA_BYTE, dst + i, (byte) 0xff);
        }
        item(ITEM_ETH, spec, mask);
        description.append(" eth dst ").append(macText(mac));
        return this;
    }

    /** Matches the 12-bit VLAN id. */
    public FlowRule vlan(int vlanId) {
        MemorySegment spec = arena.allocate(Layout.of("sizeof.rte_flow_item_vlan"), 8);
        MemorySegment mask = arena.allocate(Layout.of("sizeof.rte_flow_item_vlan"), 8);
        spec.set(BE16, Layout.of("rte_flow_item_vlan.tci"), (short) (vlanId & 0x0fff));
        mask.set(BE16, Layout.of("rte_flow_item_vlan.tci"), (short) 0x0fff);
        item(ITEM_VLAN, spec, mask);
        description.append(" vlan ").append(vlanId);
        return this;
    }

    /** Matches the destination IPv4 address exactly ({@code address} in host order, e.g. 0x0a000001 for 10.0.0.1). */
    public FlowRule ipv4Dst(int address) {
        MemorySegment spec = arena.allocate(Layout.of("sizeof.rte_flow_item_ipv4"), 8);
        MemorySegment mask = arena.allocate(Layout.of("sizeof.rte_flow_item_ipv4"), 8);
        spec.set(BE32, Layout.of("rte_flow_item_ipv4.hdr.dst_addr"), address);
        mask.set(BE32, Layout.of("rte_flow_item_ipv4.hdr.dst_addr"), -1);
        item(ITEM_IPV4, spec, mask);
        description.append(" ipv4 dst ").append(ipText(address));
        return this;
    }

    /** Matches any frame (a pattern must start at L2; an ETH item without spec matches every one). */
    public FlowRule ethAny() {
        item(ITEM_ETH, MemorySegment.NULL, MemorySegment.NULL);
        description.append(" eth");
        return this;
    }

    /** Matches the IPv4 source and destination addresses exactly (host order). */
    public FlowRule ipv4(int source, int destination) {
        MemorySegment spec = arena.allocate(Layout.of("sizeof.rte_flow_item_ipv4"), 8);
        MemorySegment mask = arena.allocate(Layout.of("sizeof.rte_flow_item_ipv4"), 8);
        spec.set(BE32, Layout.of("rte_flow_item_ipv4.hdr.src_addr"), source);
        mask.set(BE32, Layout.of("rte_flow_item_ipv4.hdr.src_addr"), -1);
        spec.set(BE32, Layout.of("rte_flow_item_ipv4.hdr.dst_addr"), destination);
        mask.set(BE32, Layout.of("rte_flow_item_ipv4.hdr.dst_addr"), -1);
        item(ITEM_IPV4, spec, mask);
        description.append(" ipv4 src ").append(ipText(source)).append(" dst ").append(ipText(destination));
        return this;
    }

    /** Matches a TCP (protocol 6) or UDP (17) header's ports exactly. */
    public FlowRule ports(int protocol, int sourcePort, int destinationPort) {
        if (protocol != TCP && protocol != UDP) {
            throw new IllegalArgumentException("ports are matched for TCP (6) and UDP (17), not protocol " + protocol);
        }
        String type = protocol == TCP ? "rte_flow_item_tcp" : "rte_flow_item_udp";
        MemorySegment spec = arena.allocate(Layout.of("sizeof." + type), 8);
        MemorySegment mask = arena.allocate(Layout.of("sizeof." + type), 8);
        spec.set(BE16, Layout.of(type + ".hdr.src_port"), (short) sourcePort);
        mask.set(BE16, Layout.of(type + ".hdr.src_port"), (short) -1);
        spec.set(BE16, Layout.of(type + ".hdr.dst_port"), (short) destinationPort);
        mask.set(BE16, Layout.of(type + ".hdr.dst_port"), (short) -1);
        item(protocol == TCP ? ITEM_TCP : ITEM_UDP, spec, mask);
        description.append(protocol == TCP ? " tcp" : " udp").append(" src ").append(sourcePort & 0xFFFF)
                .append(" dst ").append(destinationPort & 0xFFFF);
        return this;
    }

    /** Matches any IPv4 packet. */
    public FlowRule ipv4Any() {
        item(ITEM_IPV4, MemorySegment.NULL, MemorySegment.NULL);
        description.append(" ipv4");
        return this;
    }

    /** Steers matching packets to an RX queue. */
    public FlowRule toQueue(int queue) {
        MemorySegment conf = arena.allocate(Layout.of("sizeof.rte_flow_action_queue"), 8);
        conf.set(JAVA_SHORT, Layout.of("rte_flow_action_queue.index"), (short) queue);
        actions.add(new Object[] {ACTION_QUEUE, conf});
        description.append(" -> queue ").append(queue);
        return this;
    }

    public FlowRule drop() {
        actions.add(new Object[] {ACTION_DROP, MemorySegment.NULL});
        description.append(" -> drop");
        return this;
    }

    MemorySegment attr() {
        return attr;
    }

    MemorySegment pattern() {
        MemorySegment pattern = arena.allocate(ITEM_SIZE * (items.size() + 1), 8);
        for (int i = 0; i < items.size(); i++) {
            MemorySegment[] it = items.get(i);
            long base = i * ITEM_SIZE;
            pattern.set(JAVA_INT, base + Layout.of("rte_flow_item.type"), it[0].get(JAVA_INT, 0));
            pattern.set(ADDRESS, base + Layout.of("rte_flow_item.spec"), it[1]);
            pattern.set(ADDRESS, base + Layout.of("rte_flow_item.mask"), it[2]);
        }
        pattern.set(JAVA_INT, items.size() * ITEM_SIZE + Layout.of("rte_flow_item.type"), ITEM_END);
        return pattern;
    }

    MemorySegment actions() {
        MemorySegment array = arena.allocate(ACTION_SIZE * (actions.size() + 1), 8);
        for (int i = 0; i < actions.size(); i++) {
            long base = i * ACTION_SIZE;
            array.set(JAVA_INT, base + Layout.of("rte_flow_action.type"), (Integer) actions.get(i)[0]);
            array.set(ADDRESS, base + Layout.of("rte_flow_action.conf"), (MemorySegment) actions.get(i)[1]);
        }
        array.set(JAVA_INT, actions.size() * ACTION_SIZE + Layout.of("rte_flow_action.type"), ACTION_END);
        return array;
    }

    MemorySegment allocateError() {
        return arena.allocate(Layout.of("sizeof.rte_flow_error"), 8);
    }

    private void item(int type, MemorySegment spec, MemorySegment mask) {
        MemorySegment t = arena.allocate(JAVA_INT);
        t.set(JAVA_INT, 0, type);
        items.add(new MemorySegment[] {t, spec, mask});
    }

    private static String ipText(int address) {
        return ((address >>> 24) & 255) + "." + ((address >>> 16) & 255) + "." + ((address >>> 8) & 255) + "." + (address & 255);
    }

    private static String macText(byte[] mac) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < mac.length; i++) {
            b.append(i == 0 ? "" : ":").append(String.format("%02x", mac[i] & 0xff));
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return description.toString();
    }

    /** Frees the rule's native structures; a rule created on a device stays there until destroyed or flushed. */
    @Override
    public void close() {
        arena.close();
    }
}
