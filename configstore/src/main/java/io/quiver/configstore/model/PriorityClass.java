package io.quiver.configstore.model;

import java.util.Locale;

/**
 * The four traffic classes, lowest first, served in strict priority order wherever packets wait (a VNIC's receive
 * rings, a TX burst). {@link #LOW} is the class of traffic no subscription level has identified. The names are
 * Crossbow's {@code priority=low|medium|high} plus one above; the {@link #code} is the class's ring index and part of
 * the stored format.
 */
public enum PriorityClass {
    LOW, MEDIUM, HIGH, CRITICAL;

    public static final int COUNT = 4;

    public int code() {
        return ordinal();
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PriorityClass byCode(int code) {
        if (code < 0 || code >= COUNT) {
            throw new ConfigException("unknown priority class code " + code);
        }
        return values()[code];
    }

    public static PriorityClass parse(String text) {
        for (PriorityClass c : values()) {
            if (c.word().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return c;
            }
        }
        throw new ConfigException("'" + text + "' is not a priority class: one of low, medium, high, critical");
    }

    /**
     * The class of a VNIC's unidentified traffic from its 802.1p {@code priority} (0..7): IEEE 802.1Q's mapping of
     * eight priorities onto four traffic classes, two to a class.
     */
    public static PriorityClass ofVnicPriority(int priority) {
        return values()[Math.max(0, Math.min(7, priority)) >> 1];
    }
}
