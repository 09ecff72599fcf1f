package io.quiver.dataplane.aggr;

import io.quiver.configstore.model.MacAddress;

/**
 * One end of an LACP link as an LACPDU describes it (802.1AX's actor and partner information): the system (its
 * priority and MAC, as {@link MacAddress} bits: the first octet highest), the aggregation key, the port (its priority
 * and number, from 1) and the state bits.
 */
public record LacpActor(int systemPriority, long system, int key, int portPriority, int port, int state) {
    /** The state bits, 802.1AX-2014 6.4.2.3 (Linux's names in /proc/net/bonding). */
    public static final int ACTIVITY = 1;
    /** Short timeout: the partner is to send every second (fast rate), not every 30. */
    public static final int SHORT_TIMEOUT = 2;
    public static final int AGGREGATION = 4;
    public static final int SYNCHRONIZATION = 8;
    public static final int COLLECTING = 16;
    public static final int DISTRIBUTING = 32;
    public static final int DEFAULTED = 64;
    public static final int EXPIRED = 128;

    private static final String[] NAMES = {"activity", "short-timeout", "aggregation", "in-sync", "collecting",
            "distributing", "defaulted", "expired"};

    public LacpActor {
        if (systemPriority < 0 || systemPriority > 0xFFFF || key < 0 || key > 0xFFFF || portPriority < 0
                || portPriority > 0xFFFF || port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("LACP priorities, keys and port numbers are 16 bits");
        }
        if (state < 0 || state > 0xFF) {
            throw new IllegalArgumentException("the LACP state is 8 bits, not " + state);
        }
        if (system < 0 || system > 0xFFFF_FFFF_FFFFL) {
            throw new IllegalArgumentException("a system id is a 48-bit MAC");
        }
    }

    /** The same end with {@code bits} as its state. */
    public LacpActor withState(int bits) {
        return new LacpActor(systemPriority, system, key, portPriority, port, bits);
    }

    /** Whether {@code other} names the same end of a link: system, key and port, their priorities too (not the state). */
    public boolean sameEnd(LacpActor other) {
        return systemPriority == other.systemPriority && system == other.system && key == other.key
                && portPriority == other.portPriority && port == other.port;
    }

    public boolean has(int bit) {
        return (state & bit) != 0;
    }

    /** What 802.1AX asks before a link carries traffic: in sync, collecting and distributing. */
    public boolean collectingAndDistributing() {
        return has(SYNCHRONIZATION) && has(COLLECTING) && has(DISTRIBUTING);
    }

    /** The state bits by name, e.g. {@code activity,short-timeout,aggregation}. */
    public String stateNames() {
        StringBuilder s = new StringBuilder();
        for (int bit = 0; bit < NAMES.length; bit++) {
            if ((state & (1 << bit)) != 0) {
                s.append(s.isEmpty() ? "" : ",").append(NAMES[bit]);
            }
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return "system " + systemPriority + "," + MacAddress.format(system) + " key " + key + " port " + portPriority
                + "," + port + " state " + stateNames();
    }
}
