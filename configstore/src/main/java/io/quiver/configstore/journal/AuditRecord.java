package io.quiver.configstore.journal;

import io.quiver.configstore.model.DenialReason;
import io.quiver.configstore.model.Requester;
import java.time.Instant;

/**
 * Who asked for what, what was decided, why, and when. Values longer than
 * {@link JournalRecord#MAX_VALUE_CHARS} are kept cut.
 *
 * @param parameter the parameter name as requested (it may be unknown); empty for whole-VNIC actions
 * @param value     the value text as requested; for a VNIC put the whole config, for a policy its text
 * @param denial    null when committed
 * @param reason    why it was allowed or denied
 */
public record AuditRecord(long sequence, Instant time, Requester requester, Action action, String vnic,
                          String parameter, String value, boolean committed, DenialReason denial, String reason) {

    /** One line: {@code 42 2025-01-01T00:00:00Z guest:vm1 GUEST_CHANGE vm1 mtu=9000 DENIED(VALUE_NOT_ALLOWED): ...}. */
    @Override
    public String toString() {
        return sequence + " " + time + " " + requester + " " + action + " " + vnic
                + (parameter.isEmpty() ? "" : " " + parameter + "=" + value)
                + (committed ? " COMMITTED" : " DENIED(" + denial + ")") + ": " + reason;
    }
}
