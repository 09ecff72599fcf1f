package io.quiver.dataplane.offload.tls.host;

import io.quiver.dataplane.offload.tls.host.OffloadDecision.Reason;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-connection offload decision: VNIC over port over default, then what the engine can do. */
class OffloadDeciderTest {
    private static final int AES128 = 0x1301;
    private static final int X25519 = 0x001d;
    private final AtomicBoolean engineRunning = new AtomicBoolean(true);

    private OffloadDecision decide(OffloadPolicy policy, String vnic, int port) {
        return new OffloadDecider(policy, engineRunning::get).decide(new OffloadCandidate(vnic, port, AES128, X25519));
    }

    @Test
    @DisplayName("off by default; a port turns it on; a VNIC's setting wins over its port's")
    void precedence() {
        OffloadPolicy policy = OffloadPolicy.offByDefault().withPort(1, true).withVnic("web0", false).withVnic("db0", true);
        assertEquals(new OffloadDecision(false, Reason.DEFAULT_OFF), decide(policy, "other", 2));
        assertEquals(new OffloadDecision(true, Reason.PORT_POLICY_ON), decide(policy, "other", 1));
        assertEquals(new OffloadDecision(false, Reason.VNIC_POLICY_OFF), decide(policy, "web0", 1));
        assertEquals(new OffloadDecision(true, Reason.VNIC_POLICY_ON), decide(policy, "db0", 2));
        assertEquals(new OffloadDecision(true, Reason.PORT_POLICY_ON), decide(policy.withoutVnic("web0"), "web0", 1));
        OffloadPolicy on = OffloadPolicy.onByDefault().withPort(3, false);
        assertEquals(new OffloadDecision(true, Reason.DEFAULT_ON), decide(on, null, -1));
        assertEquals(new OffloadDecision(false, Reason.PORT_POLICY_OFF), decide(on, null, 3));
    }

    @Test
    @DisplayName("a suite or group the engine lacks, or a stopped engine, keeps the handshake on the host")
    void capabilities() {
        OffloadDecider decider = new OffloadDecider(OffloadPolicy.onByDefault(), engineRunning::get);
        assertEquals(Reason.UNSUPPORTED_SUITE, decider.decide(new OffloadCandidate("v", 0, 0x1304, X25519)).reason());
        assertEquals(Reason.UNSUPPORTED_GROUP, decider.decide(new OffloadCandidate("v", 0, AES128, 0x0018)).reason());
        engineRunning.set(false);
        OffloadDecision stopped = decider.decide(new OffloadCandidate("v", 0, AES128, X25519));
        assertFalse(stopped.offload());
        assertEquals(Reason.ENGINE_UNAVAILABLE, stopped.reason());
    }

    @Test
    @DisplayName("a new policy applies to the next decision")
    void update() {
        OffloadDecider decider = new OffloadDecider(OffloadPolicy.offByDefault(), engineRunning::get);
        OffloadCandidate web = new OffloadCandidate("web0", 1, AES128, X25519);
        assertFalse(decider.decide(web).offload());
        decider.update(decider.policy().withVnic("web0", true));
        assertTrue(decider.decide(web).offload());
    }
}
