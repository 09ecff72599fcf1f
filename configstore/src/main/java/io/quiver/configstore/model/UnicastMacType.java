package io.quiver.configstore.model;

/** A unicast, non-zero MAC address: one a VNIC may send from. */
final class UnicastMacType implements ValueType {
    @Override
    public long parse(CharSequence s, int from, int to, StringBuilder why) {
        long bits = MacAddress.parseBits(s, from, to, why);
        if (bits < 0) {
            return INVALID;
        }
        if (bits == 0) {
            return fail(why, s, from, to, "00:00:00:00:00:00 is not an address a VNIC can send from");
        }
        if ((bits & 0x0100_0000_0000L) != 0) {
            return fail(why, s, from, to, "the group bit (lowest bit of the first octet) is set: a multicast "
                    + "address cannot be a VNIC's address; use an even first octet, e.g. 02");
        }
        return bits;
    }

    private static long fail(StringBuilder why, CharSequence s, int from, int to, String reason) {
        if (why != null) {
            why.append(Text.quote(s, from, to)).append(" is not a unicast MAC address: ").append(reason);
        }
        return INVALID;
    }

    @Override
    public String format(long encoded) {
        return MacAddress.format(encoded);
    }

    @Override
    public String describe() {
        return "a unicast MAC address like 02:00:5e:10:00:01";
    }
}
