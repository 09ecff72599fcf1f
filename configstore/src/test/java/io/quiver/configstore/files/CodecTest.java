package io.quiver.configstore.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.journal.Action;
import io.quiver.configstore.journal.JournalCodec;
import io.quiver.configstore.journal.JournalRecord;
import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.DenialReason;
import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.configstore.policy.GuestPolicy;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The value layouts of schema 1 read back what they wrote, and a damaged value is refused, not misread. */
class CodecTest {
    private static final VnicConfig CONFIG = VnicConfig.create("vm1", "02:00:00:00:00:01")
            .with("secondary-macs", "02:00:00:00:00:02").with("ipv4-addresses", "10.0.0.5/24,10.0.1.5/24")
            .with("vlan", "10").with("default-route", "10.0.0.1").with("transport-protocols", "sctp,tcp")
            .with("bandwidth-limit", "1G").with("priority", "3").withRevision(17);
    private static final GuestPolicy POLICY =
            GuestPolicy.parse("mtu=68..1500; default-route=10.0.0.0/24,none; priority=1,2").withRevision(9);

    @Test
    void vnicConfigsRoundTrip() {
        assertEquals(CONFIG, VnicConfigCodec.decode(VnicConfigCodec.encode(CONFIG), "test"));
    }

    @Test
    void policiesRoundTrip() {
        assertEquals(POLICY, GuestPolicyCodec.decode(GuestPolicyCodec.encode(POLICY), "test"));
    }

    @Test
    void journalRecordsRoundTrip() {
        JournalRecord committed = new JournalRecord(17, 1_700_000_000_123_456L, Requester.guest("vm1"),
                Action.GUEST_CHANGE, "vm1", "priority", "3", null, "allowed", CONFIG, null, null, null);
        assertEquals(committed, JournalCodec.decode(JournalCodec.encode(committed), 17));
        JournalRecord policy = new JournalRecord(9, 5, Requester.admin("alice smith"), Action.POLICY_SET, "vm1", "",
                POLICY.toText(), null, "set", null, POLICY, null, null);
        assertEquals(policy, JournalCodec.decode(JournalCodec.encode(policy), 9));
        JournalRecord denied = new JournalRecord(18, 6, Requester.guest("vm1"), Action.GUEST_CHANGE, "vm2", "spéed",
                "ünïcode", DenialReason.UNKNOWN_PARAMETER, "unknown parameter 'spéed'", null, null, null, null);
        assertEquals(denied, JournalCodec.decode(JournalCodec.encode(denied), 18));
    }

    @Test
    void damagedValuesAreRefused() {
        byte[] good = VnicConfigCodec.encode(CONFIG);
        ConfigException e = assertThrows(ConfigException.class,
                () -> VnicConfigCodec.decode(Arrays.copyOf(good, good.length - 3), "VNIC vm1"));
        assertTrue(e.getMessage().contains("VNIC vm1 is damaged"), e.getMessage());
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThrows(ConfigException.class, () -> VnicConfigCodec.decode(longer, "VNIC vm1"));
        byte[] badMac = good.clone();
        // The MAC's first octet sits after tag, name, revision, count, id and element count: make it a group address.
        int macAt = 1 + 2 + 3 + 8 + 1 + 2;
        badMac[macAt + 2] |= 0x01;
        e = assertThrows(ConfigException.class, () -> VnicConfigCodec.decode(badMac, "VNIC vm1"));
        assertTrue(e.getMessage().contains("group bit"), e.getMessage());
        byte[] journal = JournalCodec.encode(new JournalRecord(3, 0, Requester.admin("a"), Action.VNIC_DELETE, "vm1",
                "", "", null, "", null, null, null, null));
        assertThrows(ConfigException.class, () -> JournalCodec.decode(journal, 4), "a record under another key");
    }

    @Test
    void aRecordWrittenBeforeAParameterExistedReadsItsDefault() {
        VnicConfig now = VnicConfig.create("old", "02:00:00:00:00:01").with(VnicParameter.MTU, "1400");
        RecordWriter w = new RecordWriter();
        w.u8('V').str("old").i64(7).u8(13); // a session-3 record: the first 13 parameters only
        for (VnicParameter p : VnicParameter.values()) {
            if (p.id() <= 13) {
                long[] v = now.encoded(p);
                w.u8(p.id()).u8(v.length);
                for (long e : v) {
                    w.i64(e);
                }
            }
        }
        VnicConfig read = VnicConfigCodec.decode(w.toBytes(), "an old VNIC entry");
        assertEquals(1400, read.mtu());
        assertEquals("none", read.get(VnicParameter.IPV6_ADDRESSES));
        assertEquals("mac-nospoof,ip-nospoof", read.get(VnicParameter.PROTECTION));
        assertEquals("no", read.get(VnicParameter.ROUTER));
    }
}
