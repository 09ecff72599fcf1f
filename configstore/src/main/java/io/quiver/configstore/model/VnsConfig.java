package io.quiver.configstore.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * The immutable configuration of one virtual network stack: a canonical text for every {@link VnsProperty}, plus the
 * {@link #revision()} (the journal sequence of the commit that produced it). Its routes are stored one by one beside
 * it ({@link VnsRoute}), so a route change never rewrites the VNS.
 */
public final class VnsConfig {
    private final String name;
    private final Map<VnsProperty, String> values;
    private final long revision;

    private VnsConfig(String name, Map<VnsProperty, String> values, long revision) {
        this.name = name;
        this.values = values;
        this.revision = revision;
    }

    /** A new VNS with every property at its default. */
    public static VnsConfig create(String name) {
        VnsNames.validate(name);
        Map<VnsProperty, String> values = new EnumMap<>(VnsProperty.class);
        for (VnsProperty p : VnsProperty.values()) {
            values.put(p, p.defaultText());
        }
        return new VnsConfig(name, Collections.unmodifiableMap(values), 0);
    }

    /** This VNS with {@code property} set from {@code text}; a {@link ConfigException} says what is wrong. */
    public VnsConfig with(VnsProperty property, String text) {
        Map<VnsProperty, String> next = new EnumMap<>(values);
        next.put(property, property.canonical(text));
        return new VnsConfig(name, Collections.unmodifiableMap(next), revision).checked();
    }

    public VnsConfig with(String property, String text) {
        return with(VnsProperty.byName(property), text);
    }

    public VnsConfig withRevision(long newRevision) {
        return new VnsConfig(name, values, newRevision);
    }

    /** Rules that span properties: the router's subnets are disjoint, static neighbours lie on the uplink network. */
    private VnsConfig checked() {
        List<Ipv4Interface> all = new ArrayList<>(addresses());
        uplinkAddress().ifPresent(all::add);
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                Ipv4Prefix a = subnetOf(all.get(i));
                Ipv4Prefix b = subnetOf(all.get(j));
                if (overlap(a, b)) {
                    throw new ConfigException("VNS " + name + ": " + all.get(i) + " and " + all.get(j)
                            + " overlap (subnets " + a + " and " + b + "): each of a router's subnets is its own");
                }
            }
        }
        if (staticNeighbours().size() > maxNeighbours()) {
            throw new ConfigException("VNS " + name + ": " + staticNeighbours().size() + " static neighbours, more than its "
                    + "max-neighbours " + maxNeighbours());
        }
        for (Map.Entry<Ipv4Address, MacAddress> n : staticNeighbours().entrySet()) {
            if (uplinkAddress().isEmpty() || !subnetOf(uplinkAddress().get()).contains(n.getKey().bits())) {
                throw new ConfigException("VNS " + name + ": static neighbour " + n.getKey() + " is not on its uplink network "
                        + uplinkAddress().map(u -> subnetOf(u).toString()).orElse("(it has no uplink-address)"));
            }
        }
        return this;
    }

    public static Ipv4Prefix subnetOf(Ipv4Interface i) {
        return new Ipv4Prefix(new Ipv4Address(i.address().bits() & Ipv4Prefix.mask(i.prefixLength())), i.prefixLength());
    }

    public static boolean overlap(Ipv4Prefix a, Ipv4Prefix b) {
        int mask = Ipv4Prefix.mask(Math.min(a.length(), b.length()));
        return (a.network().bits() & mask) == (b.network().bits() & mask);
    }

    /** Rebuilds a VNS from stored canonical texts (the codec); each is checked again. */
    public static VnsConfig fromStored(String name, long revision, Map<VnsProperty, String> stored) {
        VnsConfig c = create(name);
        for (Map.Entry<VnsProperty, String> e : stored.entrySet()) {
            c = c.with(e.getKey(), e.getValue());
        }
        return c.withRevision(revision);
    }

    public String name() {
        return name;
    }

    public long revision() {
        return revision;
    }

    public String get(VnsProperty p) {
        return values.get(p);
    }

    /** Every property's canonical text, in declaration order. */
    public Map<String, String> properties() {
        Map<String, String> out = new LinkedHashMap<>();
        for (VnsProperty p : VnsProperty.values()) {
            out.put(p.wireName(), values.get(p));
        }
        return out;
    }

    /** The router's MAC: the configured one, or one derived from the name (locally administered, stable). */
    public MacAddress routerMac() {
        String m = values.get(VnsProperty.MAC);
        if (!m.equals("auto")) {
            return MacAddress.parse(m);
        }
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return new MacAddress(0x0251_0000_0000L | (crc.getValue() & 0xFFFF_FFFFL)); // 02:51:...: local, unicast
    }

    public int mtu() {
        return Integer.parseInt(values.get(VnsProperty.MTU));
    }

    /** False for {@code ttl-policy=transparent}: the VNS leaves the TTL alone and sends no time-exceeded. */
    public boolean decrementsTtl() {
        return values.get(VnsProperty.TTL_POLICY).equals("decrement");
    }

    public int maxRoutes() {
        return Integer.parseInt(values.get(VnsProperty.MAX_ROUTES));
    }

    public int maxNeighbours() {
        return Integer.parseInt(values.get(VnsProperty.MAX_NEIGHBOURS));
    }

    public int icmpRate() {
        return Integer.parseInt(values.get(VnsProperty.ICMP_RATE));
    }

    public int icmpBurst() {
        return Integer.parseInt(values.get(VnsProperty.ICMP_BURST));
    }

    public int neighbourReachableSeconds() {
        return Integer.parseInt(values.get(VnsProperty.NEIGHBOUR_REACHABLE));
    }

    /** The gateway addresses toward its VNICs, with their subnets. */
    public List<Ipv4Interface> addresses() {
        String t = values.get(VnsProperty.ADDRESSES);
        if (t.equals("none")) {
            return List.of();
        }
        List<Ipv4Interface> out = new ArrayList<>();
        for (String item : t.split(",")) {
            out.add(VnsProperty.parseInterface(item));
        }
        return List.copyOf(out);
    }

    public java.util.Optional<Ipv4Interface> uplinkAddress() {
        String t = values.get(VnsProperty.UPLINK_ADDRESS);
        return t.equals("none") ? java.util.Optional.empty() : java.util.Optional.of(VnsProperty.parseInterface(t));
    }

    /** The uplink network's VLAN, 0 for untagged. */
    public int uplinkVlan() {
        String t = values.get(VnsProperty.UPLINK_VLAN);
        return t.equals("none") ? 0 : Integer.parseInt(t);
    }

    public Map<Ipv4Address, MacAddress> staticNeighbours() {
        String t = values.get(VnsProperty.STATIC_NEIGHBOURS);
        if (t.equals("none")) {
            return Map.of();
        }
        Map<Ipv4Address, MacAddress> out = new LinkedHashMap<>();
        for (String item : t.split(",")) {
            int eq = item.indexOf('=');
            out.put(Ipv4Address.parse(item.substring(0, eq)), MacAddress.parse(item.substring(eq + 1)));
        }
        return Collections.unmodifiableMap(out);
    }

    /** Its connected subnets: those of its addresses, then its uplink network's. */
    public List<Ipv4Prefix> connectedSubnets() {
        List<Ipv4Prefix> out = new ArrayList<>();
        for (Ipv4Interface a : addresses()) {
            out.add(subnetOf(a));
        }
        uplinkAddress().ifPresent(u -> out.add(subnetOf(u)));
        return out;
    }

    /** Whether {@code ip} is one of the router's own addresses (toward the VNICs or on the uplink). */
    public boolean isOwnAddress(int ip) {
        for (Ipv4Interface a : addresses()) {
            if (a.address().bits() == ip) {
                return true;
            }
        }
        return uplinkAddress().map(u -> u.address().bits() == ip).orElse(false);
    }

    public boolean sameSettings(VnsConfig other) {
        return name.equals(other.name) && values.equals(other.values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VnsConfig other && revision == other.revision && sameSettings(other);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, values, revision);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name).append('{');
        boolean first = true;
        for (VnsProperty p : VnsProperty.values()) {
            if (!values.get(p).equals(p.defaultText())) {
                b.append(first ? "" : ", ").append(p.wireName()).append('=').append(values.get(p));
                first = false;
            }
        }
        return b.append("}@").append(revision).toString();
    }
}
