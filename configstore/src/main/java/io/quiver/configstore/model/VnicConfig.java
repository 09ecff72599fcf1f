package io.quiver.configstore.model;


import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The immutable configuration of one VNIC: a value for every {@link VnicParameter}, held in its encoded form, plus
 * the {@link #revision()}: the journal sequence of the commit that produced it (0 for a config not yet stored).
 */
public final class VnicConfig {
    private static final VnicParameter[] PARAMETERS = VnicParameter.values();

    private final String name;
    private final long[][] values;
    private final long revision;

    private VnicConfig(String name, long[][] values, long revision) {
        this.name = name;
        this.values = values;
        this.revision = revision;
    }

    /** A new VNIC with this name and primary MAC and every other parameter at its default. */
    public static VnicConfig create(String name, String mac) {
        VnicNames.validate(name);
        long[][] values = new long[PARAMETERS.length][];
        for (VnicParameter p : PARAMETERS) {
            values[p.ordinal()] = p == VnicParameter.MAC ? p.parse(mac) : p.parse(p.defaultText());
        }
        return new VnicConfig(name, values, 0).checked();
    }

    /**
     * Rebuilds a config from encoded values, as the file codec reads them; every parameter must be valid, and present
     * unless it has a default (records written before a parameter existed read it as its default), otherwise a
     * {@link ConfigException} says which is not.
     */
    public static VnicConfig fromEncoded(String name, long revision, long[][] encoded) {
        VnicNames.validate(name);
        if (encoded.length != PARAMETERS.length) {
            throw new ConfigException("VNIC " + name + " has " + encoded.length + " parameters, expected "
                    + PARAMETERS.length);
        }
        long[][] values = new long[PARAMETERS.length][];
        for (VnicParameter p : PARAMETERS) {
            long[] v = encoded[p.ordinal()];
            if (v == null && p.defaultText() != null) {
                v = p.parse(p.defaultText()); // a record written before the parameter existed: it has its default
            }
            if (v == null) {
                throw new ConfigException("VNIC " + name + " lacks parameter " + p.wireName());
            }
            // Round-trip through the text form: the one validator, so nothing invalid can be decoded.
            values[p.ordinal()] = p.parse(p.format(v.clone()));
        }
        return new VnicConfig(name, values, revision).checked();
    }

    /** This config with {@code parameter} set from {@code text}; a {@link ConfigException} says what is wrong. */
    public VnicConfig with(VnicParameter parameter, CharSequence text) {
        long[][] next = values.clone();
        next[parameter.ordinal()] = parameter.parse(text);
        return new VnicConfig(name, next, revision).checked();
    }

    /** This config with {@code parameter} set from {@code text}, for a parameter given by wire name. */
    public VnicConfig with(String parameter, CharSequence text) {
        return with(VnicParameter.byName(parameter), text);
    }

    public VnicConfig withRevision(long newRevision) {
        return new VnicConfig(name, values, newRevision);
    }

    /** Rules that span parameters. */
    private VnicConfig checked() {
        long mac = values[VnicParameter.MAC.ordinal()][0];
        for (long secondary : values[VnicParameter.SECONDARY_MACS.ordinal()]) {
            if (secondary == mac) {
                throw new ConfigException("MAC " + MacAddress.format(mac) + " of VNIC " + name
                        + " is both its primary and a secondary MAC: list each address once");
            }
        }
        long limit = values[VnicParameter.BANDWIDTH_LIMIT.ordinal()][0];
        long frame = values[VnicParameter.MTU.ordinal()][0] + 14;
        if (limit != 0 && limit / 8 < frame) {
            throw new ConfigException("bandwidth-limit " + limit + " bit/s of VNIC " + name + " is under one " + frame
                    + "-byte frame (its MTU) per second: such a frame could never pass; raise it to at least " + frame * 8);
        }
        return this;
    }

    public String name() {
        return name;
    }

    public long revision() {
        return revision;
    }

    /** The canonical text of a parameter's value. */
    public String get(VnicParameter parameter) {
        return parameter.format(values[parameter.ordinal()]);
    }

    /** A copy of a parameter's encoded elements (see {@link ValueType}). */
    public long[] encoded(VnicParameter parameter) {
        return values[parameter.ordinal()].clone();
    }

    public MacAddress mac() {
        return new MacAddress(values[VnicParameter.MAC.ordinal()][0]);
    }

    public List<MacAddress> secondaryMacs() {
        return Arrays.stream(values[VnicParameter.SECONDARY_MACS.ordinal()]).mapToObj(MacAddress::new).toList();
    }

    /** Every MAC this VNIC may send from: the primary first. */
    public List<MacAddress> allMacs() {
        long[] secondary = values[VnicParameter.SECONDARY_MACS.ordinal()];
        MacAddress[] all = new MacAddress[1 + secondary.length];
        all[0] = mac();
        for (int i = 0; i < secondary.length; i++) {
            all[i + 1] = new MacAddress(secondary[i]);
        }
        return List.of(all);
    }

    public List<Ipv4Interface> ipv4Addresses() {
        return Arrays.stream(values[VnicParameter.IPV4_ADDRESSES.ordinal()]).mapToObj(Ipv4Interface::decode).toList();
    }

    /** The VLAN id, or 0 when the VNIC is untagged. */
    public int vlan() {
        return (int) values[VnicParameter.VLAN.ordinal()][0];
    }

    public int mtu() {
        return (int) values[VnicParameter.MTU.ordinal()][0];
    }

    public Optional<Ipv4Address> defaultRoute() {
        long bits = values[VnicParameter.DEFAULT_ROUTE.ordinal()][0];
        return bits == 0 ? Optional.empty() : Optional.of(new Ipv4Address((int) bits));
    }

    public RoutingProtocol routingProtocol() {
        return RoutingProtocol.values()[(int) values[VnicParameter.ROUTING_PROTOCOL.ordinal()][0]];
    }

    public Set<TransportProtocol> transportProtocols() {
        EnumSet<TransportProtocol> set = EnumSet.noneOf(TransportProtocol.class);
        for (long v : values[VnicParameter.TRANSPORT_PROTOCOLS.ordinal()]) {
            set.add(TransportProtocol.values()[(int) v]);
        }
        return Collections.unmodifiableSet(set);
    }

    public int tcpSendBuffer() {
        return (int) values[VnicParameter.TCP_SEND_BUFFER.ordinal()][0];
    }

    public int tcpReceiveBuffer() {
        return (int) values[VnicParameter.TCP_RECEIVE_BUFFER.ordinal()][0];
    }

    /** The TCP port associated with the VNIC, or 0 when none is. */
    public int tcpPort() {
        return (int) values[VnicParameter.TCP_PORT.ordinal()][0];
    }

    /** The bandwidth limit in bit/s, or 0 when unlimited. */
    public long bandwidthLimit() {
        return values[VnicParameter.BANDWIDTH_LIMIT.ordinal()][0];
    }

    public int priority() {
        return (int) values[VnicParameter.PRIORITY.ordinal()][0];
    }

    public List<Ipv6Interface> ipv6Addresses() {
        long[] w = values[VnicParameter.IPV6_ADDRESSES.ordinal()];
        Ipv6Interface[] out = new Ipv6Interface[w.length / Ipv6InterfaceType.WIDTH];
        for (int i = 0; i < out.length; i++) {
            int at = i * Ipv6InterfaceType.WIDTH;
            out[i] = new Ipv6Interface(new Ipv6Address(w[at], w[at + 1]), (int) w[at + 2]);
        }
        return List.of(out);
    }

    /** What the guest is kept from forging. */
    public Set<LinkProtection> protection() {
        EnumSet<LinkProtection> set = EnumSet.noneOf(LinkProtection.class);
        for (long v : values[VnicParameter.PROTECTION.ordinal()]) {
            set.add(LinkProtection.values()[(int) v]);
        }
        return Collections.unmodifiableSet(set);
    }

    /** {@link #protection()} as a mask of {@link LinkProtection#bit()}s. */
    public int protectionMask() {
        int mask = 0;
        for (long v : values[VnicParameter.PROTECTION.ordinal()]) {
            mask |= 1 << v;
        }
        return mask;
    }

    /** Whether the guest is a router (may send router advertisements, redirects and DHCPv6 server messages). */
    public boolean isRouter() {
        return values[VnicParameter.ROUTER.ordinal()][0] == 1;
    }

    /** The name of the VNS the VNIC belongs to ({@link VnsNames#DEFAULT} unless set). */
    public String vns() {
        return get(VnicParameter.VNS);
    }

    /** Same name and parameter values, whatever the revisions. */
    public boolean sameSettings(VnicConfig other) {
        return name.equals(other.name) && Arrays.deepEquals(values, other.values);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VnicConfig other && revision == other.revision && sameSettings(other);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.deepHashCode(values) + Long.hashCode(revision);
    }

    /** {@code name{mac=..., mtu=..., ...}@revision}: every parameter in canonical text. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name).append('{');
        for (VnicParameter p : PARAMETERS) {
            if (p.ordinal() > 0) {
                b.append(", ");
            }
            b.append(p.wireName()).append('=').append(get(p));
        }
        return b.append("}@").append(revision).toString();
    }
}
