package io.quiver.configstore.journal;

import io.quiver.configstore.model.DenialReason;
import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.Subscription;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.model.VnsConfig;
import io.quiver.configstore.model.VnsRoute;
import io.quiver.configstore.policy.GuestPolicy;
import java.time.Instant;

/**
 * One entry of the journal: the audit record of a request and, for a commit, the full state it produced. Because
 * a commit carries the whole resulting VNIC config (or policy), replaying a record is idempotent, which is what
 * makes recovery after {@code kill -9} simple.
 *
 * @param sequence   position in the journal, from 1, one per request (committed or denied)
 * @param timeMicros when it was decided, microseconds since the epoch
 * @param denial     null when committed
 * @param vnicAfter  for a committed change or put: the VNIC as it is after it; otherwise null
 * @param policyAfter for a committed policy set: the policy as it is after it; otherwise null
 * @param vnsAfter   for a committed {@link Action#VNS_PUT}: the VNS after it; otherwise null
 * @param routeAfter for a committed {@link Action#ROUTE_ADD}: the route added; otherwise null
 * @param subscriptionAfter for a committed {@link Action#SUBSCRIPTION_PUT}: the level or flow after it; otherwise null
 */
public record JournalRecord(long sequence, long timeMicros, Requester requester, Action action, String vnic,
                            String parameter, String value, DenialReason denial, String reason,
                            VnicConfig vnicAfter, GuestPolicy policyAfter, VnsConfig vnsAfter, VnsRoute routeAfter,
                            Subscription subscriptionAfter) {
    /** A record with no subscription in it (every action but {@link Action#SUBSCRIPTION_PUT}). */
    public JournalRecord(long sequence, long timeMicros, Requester requester, Action action, String vnic,
                         String parameter, String value, DenialReason denial, String reason,
                         VnicConfig vnicAfter, GuestPolicy policyAfter, VnsConfig vnsAfter, VnsRoute routeAfter) {
        this(sequence, timeMicros, requester, action, vnic, parameter, value, denial, reason, vnicAfter, policyAfter,
                vnsAfter, routeAfter, null);
    }

    /** Longest request value kept in a record; longer ones are cut and marked. */
    public static final int MAX_VALUE_CHARS = 256;
    public static final int MAX_REASON_CHARS = 1024;

    public boolean committed() {
        return denial == null;
    }

    public Instant time() {
        return Instant.EPOCH.plusNanos(timeMicros * 1000);
    }

    public AuditRecord toAudit() {
        return new AuditRecord(sequence, time(), requester, action, vnic, parameter, value, committed(), denial, reason);
    }

    /** The change this record committed; only for committed records. */
    public Change toChange() {
        if (!committed()) {
            throw new IllegalStateException("record " + sequence + " was denied and changed nothing");
        }
        return new Change(sequence, time(), requester, action, vnic, parameter, value, vnicAfter, policyAfter, vnsAfter,
                routeAfter, subscriptionAfter);
    }

    /** {@code text} cut to {@code max} characters, marked when cut; null as empty. */
    public static String clip(String text, int max) {
        if (text == null) {
            return "";
        }
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
