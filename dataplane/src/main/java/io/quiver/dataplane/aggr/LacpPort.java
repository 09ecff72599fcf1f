package io.quiver.dataplane.aggr;

/**
 * One aggregation member's LACP (IEEE 802.1AX-2014 6.4), run on the control side from received LACPDUs and a clock:
 * the receive machine (the partner's information, expired after 3 timeouts' worth of silence), periodic transmission
 * (every second when the partner asked for fast, every 30 otherwise), and the mux with coupled control (attached and in
 * sync once selected, then collecting and distributing once the partner is in sync too). Selection is the
 * aggregation's ({@link #select}). A member carries traffic only when {@link #collectingAndDistributing}: in sync is
 * not enough, as the issue insists. Not thread-safe: one control thread owns it.
 */
public final class LacpPort {
    private static final long SECOND = 1_000_000_000L;
    /** Fast_Periodic_Time and Slow_Periodic_Time. */
    private static final long FAST_PERIOD = SECOND;
    private static final long SLOW_PERIOD = 30 * SECOND;
    /** Short_Timeout_Time and Long_Timeout_Time: three periods. */
    private static final long SHORT_TIMEOUT = 3 * SECOND;
    private static final long LONG_TIMEOUT = 90 * SECOND;
    /** At most this many LACPDUs in a fast period (802.1AX 6.4.16). */
    private static final int TX_LIMIT = 3;

    /** Where the member stands, as {@code show-aggr -L} says it. */
    public enum Mux {
        DETACHED, ATTACHED, COLLECTING_DISTRIBUTING
    }

    /** The state bits the partner's LACPDU must repeat about us, or it has to hear us again (802.1AX 6.4.9). */
    private static final int REPEATED = LacpActor.ACTIVITY | LacpActor.SHORT_TIMEOUT | LacpActor.AGGREGATION
            | LacpActor.SYNCHRONIZATION;

    /** Who this member is (its state bits unused): system, key, port. */
    private final LacpActor identity;
    private final boolean active;
    private final boolean fast;

    private LacpActor partner;
    private long partnerHeardAt;
    private boolean expired;
    private boolean selected;
    private Mux mux = Mux.DETACHED;
    private boolean linkUp = true;
    private boolean ntt = true;
    private long lastSent = Long.MIN_VALUE / 2;
    private long windowStart;
    private int sentInWindow;

    /** LACPDUs received and sent. */
    public long received;
    public long sent;

    /**
     * @param port   this member's LACP port number, 1..65535 (0 is not a port)
     * @param active whether to send LACPDUs unasked ({@code --lacp active}) or only answer ({@code passive})
     * @param fast   whether to ask the partner for a LACPDU every second ({@code --lacp-timer short})
     */
    public LacpPort(int systemPriority, long system, int key, int portPriority, int port, boolean active, boolean fast) {
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException("LACP port numbers are 1..65535, not " + port);
        }
        this.identity = new LacpActor(systemPriority, system, key, portPriority, port, 0);
        this.active = active;
        this.fast = fast;
    }

    /** What this member says of itself now. */
    public LacpActor actor() {
        int state = LacpActor.AGGREGATION | (active ? LacpActor.ACTIVITY : 0) | (fast ? LacpActor.SHORT_TIMEOUT : 0);
        if (mux != Mux.DETACHED) {
            state |= LacpActor.SYNCHRONIZATION;
        }
        if (mux == Mux.COLLECTING_DISTRIBUTING) {
            state |= LacpActor.COLLECTING | LacpActor.DISTRIBUTING;
        }
        if (partner == null) {
            state |= LacpActor.DEFAULTED;
        }
        if (expired) {
            state |= LacpActor.EXPIRED;
        }
        return identity.withState(state);
    }

    /** The partner as last heard, or null (defaulted: none heard, or its information expired). */
    public LacpActor partner() {
        return partner;
    }

    /** When the partner's last LACPDU arrived (the clock {@link #receive} was given), or 0 before any. */
    public long lastHeard() {
        return partnerHeardAt;
    }

    public Mux mux() {
        return mux;
    }

    public boolean selected() {
        return selected;
    }

    /** Whether the member may carry the aggregation's traffic. */
    public boolean collectingAndDistributing() {
        return mux == Mux.COLLECTING_DISTRIBUTING;
    }

    /** A LACPDU received on this member at {@code now} (nanoseconds). */
    public void receive(Lacpdu pdu, long now) {
        received++;
        LacpActor heard = pdu.actor();
        LacpActor aboutUs = pdu.partner();
        if (partner == null || !partner.equals(heard)) {
            ntt = true;
        }
        if (!aboutUs.sameEnd(identity) || (aboutUs.state() & REPEATED) != (actor().state() & REPEATED)) {
            ntt = true;
        }
        partner = heard;
        partnerHeardAt = now;
        expired = false;
        advanceMux();
    }

    /**
     * The aggregation's selection for this member: whether it joins the aggregator (its partner is the one the
     * aggregation chose, and both ends can aggregate). A change moves the mux at once.
     */
    public void select(boolean chosen) {
        if (selected != chosen) {
            selected = chosen;
            advanceMux();
        }
    }

    /** The member's link went down or came up (LSC or polling): down detaches it and forgets the partner. */
    public void link(boolean up) {
        if (linkUp == up) {
            return;
        }
        linkUp = up;
        if (!up) {
            partner = null;
            expired = false;
            selected = false;
            mux = Mux.DETACHED;
        }
        ntt = true;
    }

    /**
     * The clock, at {@code now}: expires a silent partner, and returns the LACPDU to send now (periodic, or because
     * something changed), or null. Call it at least every 100 ms.
     */
    public Lacpdu tick(long now) {
        if (!linkUp) {
            return null;
        }
        long timeout = fast ? SHORT_TIMEOUT : LONG_TIMEOUT;
        if (partner != null && now - partnerHeardAt >= timeout) {
            // 802.1AX's EXPIRED then DEFAULTED, in one step: the partner's information is no longer believed
            partner = null;
            expired = true;
            selected = false;
            advanceMux();
            ntt = true;
        }
        boolean partnerWantsFast = partner == null || partner.has(LacpActor.SHORT_TIMEOUT);
        boolean periodic = (active || (partner != null && partner.has(LacpActor.ACTIVITY)))
                && now - lastSent >= (partnerWantsFast ? FAST_PERIOD : SLOW_PERIOD);
        if (!periodic && !ntt) {
            return null;
        }
        if (now - windowStart >= FAST_PERIOD) {
            windowStart = now;
            sentInWindow = 0;
        }
        if (sentInWindow >= TX_LIMIT || (!active && partner == null)) {
            return null; // a passive member speaks only once spoken to
        }
        sentInWindow++;
        ntt = false;
        lastSent = now;
        sent++;
        LacpActor about = partner != null ? partner : new LacpActor(0, 0, 0, 0, 0, 0);
        return new Lacpdu(actor(), about, 0);
    }

    private void advanceMux() {
        Mux before = mux;
        if (!selected || partner == null) {
            mux = Mux.DETACHED;
        } else if (partner.has(LacpActor.SYNCHRONIZATION) && partner.has(LacpActor.AGGREGATION)) {
            mux = Mux.COLLECTING_DISTRIBUTING;
        } else {
            mux = Mux.ATTACHED;
        }
        if (mux != before) {
            ntt = true;
        }
    }
}
