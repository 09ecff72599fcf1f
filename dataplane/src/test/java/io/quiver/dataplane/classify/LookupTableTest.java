package io.quiver.dataplane.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.GuestTraffic;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LookupTableTest {
    @Test
    void macsThatDifferOnlyInTheirLastBytesSpreadOverTheTable() {
        // a vendor's MACs differ in the last bytes, which are the key's high bits: they must not share a bucket
        Set<Integer> buckets = new HashSet<>();
        for (int i = 1; i <= 64; i++) {
            buckets.add(MacVlanTable.hash(MacVlanTable.key(Ethernet.macToLong(GuestTraffic.guestMac(i)), 0), 64 - 7));
        }
        assertTrue(buckets.size() > 40, "64 MACs over 128 buckets landed in only " + buckets.size());
        Set<Integer> ipBuckets = new HashSet<>();
        for (int i = 1; i <= 64; i++) {
            ipBuckets.add(Ipv4Table.hash(Ipv4Table.key(0, GuestTraffic.guestIp(i)), 64 - 7));
        }
        assertTrue(ipBuckets.size() > 40, "64 addresses over 128 buckets landed in only " + ipBuckets.size());
    }

    @Test
    void everyKeyIsFoundAndAbsentOnesAreNot() {
        MacVlanTable macs = new MacVlanTable(5000);
        Ipv4Table ips = new Ipv4Table(5000);
        for (int i = 0; i < 5000; i++) {
            macs.put(Ethernet.macToLong(GuestTraffic.guestMac(i + 1)), i % 3 == 0 ? 7 : 0, i);
            ips.put(i % 2, GuestTraffic.guestIp(i + 1), i);
        }
        for (int i = 0; i < 5000; i++) {
            assertEquals(i, macs.get(Ethernet.macToLong(GuestTraffic.guestMac(i + 1)), i % 3 == 0 ? 7 : 0));
            assertEquals(-1, macs.get(Ethernet.macToLong(GuestTraffic.guestMac(i + 1)), i % 3 == 0 ? 0 : 7));
            assertEquals(i, ips.get(i % 2, GuestTraffic.guestIp(i + 1)));
            assertEquals(-1, ips.get(1 - i % 2, GuestTraffic.guestIp(i + 1)), "another VNS's address");
        }
        assertEquals(-1, ips.get(0, 0x0b000001));
        assertEquals(5000, macs.size());
    }
}
