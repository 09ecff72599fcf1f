package io.quiver.dataplane.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.model.IdentificationRule;
import io.quiver.configstore.model.PriorityClass;
import io.quiver.configstore.model.Subscription;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.classify.ClassifierChoice;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.RuntimeConfig;
import io.quiver.dataplane.vnic.AttachedVnic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lowest class's minimum share on a shaped VNIC, against the premium packets it is paid among, through real pcap
 * ports (net_pcap stamps each frame as it leaves). A VNIC shaped to 200 kbit/s (25 bytes a millisecond) gets a
 * best-effort flood and 40 premium packets at once; the premium packets leave a 200-byte frame's tokens apart, 8 ms.
 * The share (5 %) must be paid among them from the first tokens that cover its frame: it once waited for the tokens
 * above the higher classes' reserve, a full 1500-byte bucket, 60 ms here, and the premium packets waited with it.
 */
class LowestShareTest {
    private static final byte[] MAC = Ethernet.parseMac("02:00:00:00:00:0b");
    private static final byte[] GATEWAY = Ethernet.parseMac("02:00:00:00:ff:fe");
    private static final int PREMIUM = 40;
    private static final byte BEST_EFFORT_MARK = 1;
    private static final byte PREMIUM_MARK = 2;

    @TempDir
    Path dir;

    private static byte[] frame(String source, byte mark) {
        byte[] payload = new byte[158];
        payload[0] = mark;
        return new UdpFrameBuilder().destinationMac(MAC).sourceMac(GATEWAY).sourceIp(UdpFrameBuilder.parseIpv4(source))
                .destinationIp(UdpFrameBuilder.parseIpv4("10.0.0.2")).ports(5000, 9).payload(payload).build();
    }

    @Test
    void theShareIsPaidAmongPremiumPacketsWithoutHoldingThemBackForTheReserve() throws Exception {
        List<byte[]> in = new ArrayList<>();
        for (int k = 0; k < 400; k++) {
            in.add(frame("10.0.0.254", BEST_EFFORT_MARK));
            if (k % 10 == 0 && k / 10 < PREMIUM) {
                in.add(frame("10.8.0.5", PREMIUM_MARK));
            }
        }
        PcapFile.write(dir.resolve("uplink-in.pcap"), in);
        PcapFile.write(dir.resolve("b-in.pcap"), List.of());
        var ports = List.of(
                PortConfig.of("uplink", "net_pcap60,rx_pcap=" + dir.resolve("uplink-in.pcap") + ",tx_pcap=" + dir.resolve("uplink-out.pcap")),
                PortConfig.of("b", "net_pcap61,rx_pcap=" + dir.resolve("b-in.pcap") + ",tx_pcap=" + dir.resolve("b-out.pcap")));
        var b = AttachedVnic.of("B", Ethernet.formatMac(MAC), List.of(), List.of("10.0.0.2/24"), 0, "b");
        var shaped = new AttachedVnic(b.config().with(VnicParameter.BANDWIDTH_LIMIT, "200K"), "b");
        var premium = Subscription.create("premium", Subscription.Kind.SUBSCRIPTION, PriorityClass.HIGH, 0, 0, 10,
                List.of(IdentificationRule.parse("prefix=10.8.0.0/16")));
        var base = new RuntimeConfig(EalOptions.virtualDefaults().withFilePrefix("quiver-share-" + ProcessHandle.current().pid()),
                8191, 64, 32, ports);
        List<PcapFile.Record> sent;
        try (Datapath datapath = Datapath.start(new DatapathConfig(base, "uplink", List.of(), null, List.of(shaped),
                ThreadingMode.SHARED, List.of(1), 128, 16, ClassifierChoice.SOFTWARE, null, List.of(), List.of(),
                new PrioritySettings(4096, 5, List.of(premium))))) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            // 40 premium frames take 320 ms of tokens; a share of best-effort between them a few more
            while (datapath.vnic("B").counters().rxPackets < PREMIUM + 4 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            datapath.stopLoops();
            assertEquals(0, datapath.runtime().loops().stream().filter(l -> l.failure() != null).count());
        }
        sent = PcapFile.readTimed(dir.resolve("b-out.pcap"));
        List<Long> premiumAt = new ArrayList<>();
        List<Long> bestEffortAt = new ArrayList<>();
        for (PcapFile.Record r : sent) {
            (r.frame()[42] == PREMIUM_MARK ? premiumAt : bestEffortAt).add(r.nanos());
        }
        assertEquals(PREMIUM, premiumAt.size(), "every premium packet reached the guest");
        long longest = 0;
        for (int k = 1; k < premiumAt.size(); k++) {
            longest = Math.max(longest, premiumAt.get(k) - premiumAt.get(k - 1));
        }
        // 8 ms apart, 16 where the share is paid between two; 60 when premium waited for the reserve
        assertTrue(longest < 35_000_000L, "premium packets were held back " + longest / 1000 + " us at once");
        long first = premiumAt.get(0);
        long last = premiumAt.get(PREMIUM - 1);
        long share = bestEffortAt.stream().filter(t -> t > first && t < last).count();
        assertTrue(share >= 1 && share <= 4, "the lowest class is paid about 5 % of " + PREMIUM + " among them: " + share);
    }
}
