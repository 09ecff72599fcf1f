package io.quiver.configstore.policy;

import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.Ipv4Address;
import io.quiver.configstore.model.Ipv6Address;
import io.quiver.configstore.model.ReservedAddresses;
import io.quiver.configstore.model.ValueType;
import io.quiver.configstore.model.VnicParameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Reads the text of an {@link AllowedValues}; every problem is a {@link ConfigException} naming the item. */
final class AllowedValuesParser {
    static final int MAX_ITEMS = 64;
    static final int MAX_TEXT = 1024;

    private AllowedValuesParser() {
    }

    static AllowedValues parse(VnicParameter parameter, String text) {
        ValueType type = parameter.type();
        String what = "allowed values of " + parameter.wireName();
        if (parameter == VnicParameter.VNS) {
            throw new ConfigException("a guest policy cannot grant vns: which VNS a VNIC belongs to decides what it "
                    + "may reach, so only an administrator changes it");
        }
        if (text == null || text.isBlank()) {
            throw new ConfigException(what + " are empty: to forbid changing " + parameter.wireName()
                    + ", leave it out of the policy");
        }
        if (text.length() > MAX_TEXT) {
            throw new ConfigException(what + " are " + text.length() + " characters long, the limit is " + MAX_TEXT);
        }
        String trimmed = text.strip();
        if (trimmed.equalsIgnoreCase("any") || trimmed.equals("*")) {
            return AnyValue.INSTANCE;
        }
        String[] items = trimmed.split(",", -1);
        if (items.length > MAX_ITEMS) {
            throw new ConfigException(what + " list " + items.length + " items, the limit is " + MAX_ITEMS);
        }
        if (type.isIpv4()) {
            return cidrs(parameter, what, items);
        }
        if (type.isIpv6()) {
            return ipv6Cidrs(what, items);
        }
        List<long[]> ranges = new ArrayList<>();
        boolean anyRange = false;
        for (String raw : items) {
            String item = raw.strip();
            if (item.isEmpty()) {
                throw new ConfigException(what + " contain an empty item in '" + text + "'");
            }
            int dots = item.indexOf("..");
            if (dots >= 0) {
                if (!type.isNumeric()) {
                    throw new ConfigException(what + ": '" + item + "' is a range, but " + parameter.wireName()
                            + " takes " + type.describe() + ": list the allowed values, comma-separated");
                }
                long lo = value(parameter, what, item.substring(0, dots).strip());
                long hi = value(parameter, what, item.substring(dots + 2).strip());
                if (lo > hi) {
                    throw new ConfigException(what + ": range '" + item + "' is empty, its low end is above its high end");
                }
                ranges.add(new long[] {lo, hi});
                anyRange = true;
            } else {
                long v = value(parameter, what, item);
                ranges.add(new long[] {v, v});
            }
        }
        if (!anyRange) {
            long[] values = ranges.stream().mapToLong(r -> r[0]).toArray();
            if (Arrays.stream(values).distinct().count() != values.length) {
                throw new ConfigException(what + " list a value twice in '" + text + "'");
            }
            return new ValueList(type, values);
        }
        ranges.sort(Comparator.comparingLong(r -> r[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] r : ranges) {
            long[] last = merged.isEmpty() ? null : merged.getLast();
            boolean lastIsNone = last != null && last[1] == 0 && type.noneLabel() != null; // "none" stays a word
            if (last != null && !lastIsNone && r[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(r.clone());
            }
        }
        return new RangeSet(type, merged.stream().mapToLong(r -> r[0]).toArray(),
                merged.stream().mapToLong(r -> r[1]).toArray());
    }

    private static long value(VnicParameter parameter, String what, String item) {
        StringBuilder why = new StringBuilder();
        long v = parameter.type().parse(item, 0, item.length(), why);
        if (v < 0) {
            throw new ConfigException(what + ": " + why);
        }
        return v;
    }

    private static AllowedValues cidrs(VnicParameter parameter, String what, String[] items) {
        ValueType type = parameter.type();
        long[] networks = new long[items.length];
        int[] prefixes = new int[items.length];
        int n = 0;
        boolean none = false;
        for (String raw : items) {
            String item = raw.strip();
            if (type.noneLabel() != null && item.equalsIgnoreCase(type.noneLabel())) {
                none = true;
                continue;
            }
            int slash = item.indexOf('/');
            String address = slash < 0 ? item : item.substring(0, slash);
            long bits;
            try {
                bits = Integer.toUnsignedLong(Ipv4Address.parse(address).bits());
            } catch (ConfigException e) {
                throw new ConfigException(what + ": " + e.getMessage()
                        + " (write CIDR blocks like 10.0.0.0/24 or single addresses like 10.0.0.5)");
            }
            int prefix = 32;
            if (slash >= 0) {
                String p = item.substring(slash + 1);
                if (!p.matches("[0-9]{1,2}") || Integer.parseInt(p) > 32) {
                    throw new ConfigException(what + ": '" + item + "' has no valid prefix length (0 to 32)");
                }
                prefix = Integer.parseInt(p);
            }
            if ((bits & ~CidrSet.mask(prefix) & 0xFFFF_FFFFL) != 0) {
                throw new ConfigException(what + ": '" + item + "' has host bits set: write the block as "
                        + blockOf(bits, prefix) + " or the single address as " + address);
            }
            long service = Integer.toUnsignedLong(ReservedAddresses.SERVICE_IPV4);
            if ((service & CidrSet.mask(prefix)) == bits) {
                throw new ConfigException(what + ": '" + item + "' includes " + ReservedAddresses.SERVICE_IPV4_TEXT
                        + ", the appliance's own service address, which no VNIC may have"
                        + (prefix == 0 ? " (write 'any' to allow every valid address)" : ""));
            }
            for (int k = 0; k < n; k++) {
                if (networks[k] == bits && prefixes[k] == prefix) {
                    throw new ConfigException(what + " list '" + item + "' twice");
                }
            }
            networks[n] = bits;
            prefixes[n] = prefix;
            n++;
        }
        return new CidrSet(type, Arrays.copyOf(networks, n), Arrays.copyOf(prefixes, n), none);
    }

    private static AllowedValues ipv6Cidrs(String what, String[] items) {
        long[] highs = new long[items.length];
        long[] lows = new long[items.length];
        int[] prefixes = new int[items.length];
        int n = 0;
        for (String raw : items) {
            String item = raw.strip();
            int slash = item.indexOf('/');
            Ipv6Address a;
            try {
                a = Ipv6Address.parse(slash < 0 ? item : item.substring(0, slash));
            } catch (ConfigException e) {
                throw new ConfigException(what + ": " + e.getMessage()
                        + " (write CIDR blocks like 2001:db8::/64 or single addresses like 2001:db8::5)");
            }
            int prefix = 128;
            if (slash >= 0) {
                String p = item.substring(slash + 1);
                if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > 128) {
                    throw new ConfigException(what + ": '" + item + "' has no valid prefix length (0 to 128)");
                }
                prefix = Integer.parseInt(p);
            }
            if ((a.high() & ~Ipv6CidrSet.highMask(prefix)) != 0 || (a.low() & ~Ipv6CidrSet.lowMask(prefix)) != 0) {
                throw new ConfigException(what + ": '" + item + "' has host bits set: write the block with its network address");
            }
            if (prefix >= 8 && (a.high() >>> 56) == 0xFF || prefix == 128 && a.high() == 0 && (a.low() == 0 || a.low() == 1)) {
                throw new ConfigException(what + ": '" + item + "' is multicast, unspecified or loopback: no VNIC may have such an address");
            }
            for (int k = 0; k < n; k++) {
                if (highs[k] == a.high() && lows[k] == a.low() && prefixes[k] == prefix) {
                    throw new ConfigException(what + " list '" + item + "' twice");
                }
            }
            highs[n] = a.high();
            lows[n] = a.low();
            prefixes[n] = prefix;
            n++;
        }
        return new Ipv6CidrSet(Arrays.copyOf(highs, n), Arrays.copyOf(lows, n), Arrays.copyOf(prefixes, n));
    }

    private static String blockOf(long bits, int prefix) {
        long n = bits & CidrSet.mask(prefix);
        return ((n >>> 24) & 0xFF) + "." + ((n >>> 16) & 0xFF) + "." + ((n >>> 8) & 0xFF) + "." + (n & 0xFF) + "/" + prefix;
    }
}
