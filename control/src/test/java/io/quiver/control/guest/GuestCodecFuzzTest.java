package io.quiver.control.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.quiver.configstore.ChangeResult;
import io.quiver.configstore.ConfigStore;
import io.quiver.configstore.Decision;
import io.quiver.configstore.Durability;
import io.quiver.configstore.StoreOptions;
import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.policy.GuestPolicy;
import io.quiver.dataplane.runtime.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A guest controls every byte of its requests (docs/testing.md, "Fuzzing"). Whatever it sends, the decoder returns a
 * message that re-encodes to itself, or throws {@link GuestProtocolException} with a reason; nothing else escapes.
 * A decoded request then goes where the daemon sends it: the permission check and the commit of a real store. What
 * the check allows commits; what it denies the commit denies too, and leaves the VNIC as it was; the guest never
 * changes its own policy, and the store stays consistent. The seed corpus holds every kind of message.
 */
class GuestCodecFuzzTest {
    static final Requester GUEST = Requester.guest("vm1");
    static final GuestPolicy POLICY = GuestPolicy.parse("mtu=68..9000; ipv4-addresses=10.0.0.0/24");
    static Path dir;
    static ConfigStore store;
    static GuestPolicy stored;
    static long inputs;

    @BeforeAll
    static void open() throws Exception {
        dir = Files.createTempDirectory("quiver-guest-fuzz");
        // the disk is not what this target fuzzes: commits stay in the page cache, a hundred times faster
        store = ConfigStore.open(dir, StoreOptions.defaults().withDurability(Durability.PROCESS));
        Requester admin = Requester.admin("fuzz");
        store.putVnic(admin, VnicConfig.create("vm1", "02:00:00:00:00:01").with("ipv4-addresses", "10.0.0.5/24")).orThrow();
        store.setPolicy(admin, "vm1", POLICY).orThrow();
        stored = store.policy("vm1").orElseThrow();
    }

    @AfterAll
    static void close() throws Exception {
        try {
            assertEquals(List.of(), store.verify(), "the store is consistent after " + inputs + " inputs");
        } finally {
            store.close();
            FileTrees.delete(dir);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void requestsDecodeAndAreCheckedAndCommittedOrRefused(byte[] payload) {
        inputs++;
        GuestMessage m;
        try {
            m = GuestCodec.decode(payload, 0, payload.length);
        } catch (GuestProtocolException e) {
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a refusal says why");
            return;
        }
        byte[] again = GuestCodec.encode(m);
        assertTrue(again.length <= GuestProtocol.MAX_DATAGRAM, "a decoded message fits a datagram when re-encoded");
        assertEquals(m, GuestCodec.decode(again, 0, again.length), "a decoded message re-encodes to itself");
        if (!(m instanceof GuestRequest r) || r.op() != GuestRequest.Op.SET) {
            return;
        }
        VnicConfig before = store.vnic("vm1").orElseThrow();
        Decision decision = store.check(GUEST, "vm1", r.parameter(), r.value());
        if (decision.allowed()) {
            ChangeResult done = store.requestChange(GUEST, "vm1", r.parameter(), r.value());
            assertTrue(done.committed(), "what the check allows, the commit does: " + r + " -> " + done.decision());
        } else if (Arrays.hashCode(payload) % 16 == 0) { // a sample: every denial is journalled, so all would fill the disk
            ChangeResult refused = store.requestChange(GUEST, "vm1", r.parameter(), r.value());
            assertFalse(refused.committed(), r.toString());
            assertEquals(decision.reason(), refused.decision().reason(), r.toString());
            assertEquals(before, store.vnic("vm1").orElseThrow(), "a denied request changes nothing");
        }
        assertEquals(stored, store.policy("vm1").orElseThrow(), "a guest cannot change its policy");
        if (inputs % 4096 == 0) {
            assertEquals(List.of(), store.verify());
        }
    }
}
