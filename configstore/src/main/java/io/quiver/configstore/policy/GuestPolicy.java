package io.quiver.configstore.policy;

import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.VnicParameter;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the guest attached to one VNIC may change: for each parameter it may change, the values it may set. A
 * parameter not in the policy cannot be changed by the guest. Immutable; the rules sit in an array indexed by
 * parameter, so the permission check is one array load and one {@link AllowedValues#allows} per element.
 * <p>
 * Text form: {@code mtu=68..1500; ipv4-addresses=10.0.0.0/24; transport-protocols=tcp,udp}; {@code none} (or an
 * empty text) for a policy that allows nothing.
 */
public final class GuestPolicy {
    /** The guest may change nothing. */
    public static final GuestPolicy NONE = new GuestPolicy(new AllowedValues[VnicParameter.values().length], 0);

    private final AllowedValues[] rules;
    private final long revision;

    private GuestPolicy(AllowedValues[] rules, long revision) {
        this.rules = rules;
        this.revision = revision;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Parses the text form; a {@link ConfigException} names the entry at fault. */
    public static GuestPolicy parse(String text) {
        if (text == null || text.isBlank() || text.strip().equalsIgnoreCase("none")) {
            return NONE;
        }
        Builder b = builder();
        for (String entry : text.split("[;\n]")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new ConfigException("policy entry '" + entry.strip()
                        + "' has no '=': write parameter=allowed-values, e.g. mtu=68..1500");
            }
            b.allow(VnicParameter.byName(entry.substring(0, eq).strip()), entry.substring(eq + 1));
        }
        return b.build();
    }

    /** The values the guest may set {@code parameter} to, or null when it may not change it. */
    public AllowedValues allowed(VnicParameter parameter) {
        return rules[parameter.ordinal()];
    }

    public boolean mayChange(VnicParameter parameter) {
        return rules[parameter.ordinal()] != null;
    }

    /** The rules, in parameter order. */
    public Map<VnicParameter, AllowedValues> rules() {
        EnumMap<VnicParameter, AllowedValues> map = new EnumMap<>(VnicParameter.class);
        for (VnicParameter p : VnicParameter.values()) {
            if (rules[p.ordinal()] != null) {
                map.put(p, rules[p.ordinal()]);
            }
        }
        return Collections.unmodifiableMap(map);
    }

    /** The journal sequence of the commit that stored this policy; 0 when not stored. */
    public long revision() {
        return revision;
    }

    public GuestPolicy withRevision(long newRevision) {
        return new GuestPolicy(rules, newRevision);
    }

    public boolean sameRules(GuestPolicy other) {
        return Arrays.equals(rules, other.rules);
    }

    /** The canonical text form, as {@link #parse} reads it back. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        for (VnicParameter p : VnicParameter.values()) {
            AllowedValues a = rules[p.ordinal()];
            if (a != null) {
                b.append(b.isEmpty() ? "" : "; ").append(p.wireName()).append('=').append(a.toText());
            }
        }
        return b.isEmpty() ? "none" : b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GuestPolicy other && revision == other.revision && sameRules(other);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(rules) + Long.hashCode(revision);
    }

    @Override
    public String toString() {
        return toText() + "@" + revision;
    }

    /** Collects rules; each parameter once. */
    public static final class Builder {
        private final AllowedValues[] rules = new AllowedValues[VnicParameter.values().length];

        private Builder() {
        }

        public Builder allow(VnicParameter parameter, String allowedValues) {
            return allow(parameter, AllowedValues.parse(parameter, allowedValues));
        }

        public Builder allow(VnicParameter parameter, AllowedValues allowedValues) {
            if (rules[parameter.ordinal()] != null) {
                throw new ConfigException("the policy names " + parameter.wireName()
                        + " twice: give all its allowed values in one entry, comma-separated");
            }
            rules[parameter.ordinal()] = allowedValues;
            return this;
        }

        public GuestPolicy build() {
            return new GuestPolicy(rules.clone(), 0);
        }
    }
}
