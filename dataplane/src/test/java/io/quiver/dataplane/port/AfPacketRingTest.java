package io.quiver.dataplane.port;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.dpdk.EthDev;
import org.junit.jupiter.api.Test;

/** How an af_packet port's kernel ring is sized for its MTU (the lab's jumbo guests run over it: Ipv6AndMtuLabTest). */
class AfPacketRingTest {
    static PortConfig afPacket(String devargs, int mtu) {
        return new PortConfig("g1", devargs, 1, 1, 512, 512, true, mtu);
    }

    @Test
    void aStandardMtuKeepsTheDriversDefaultFrames() {
        PortConfig p = afPacket("net_af_packet0,iface=veth0", 1500);
        assertEquals("net_af_packet0,iface=veth0", AfPacketRing.devargs(p));
        assertTrue(AfPacketRing.carried(2048) >= p.maxFrame());
        assertEquals(2048 - EthDev.AF_PACKET_FRAME_HEADER, p.mbufRoom(), "the driver's check: a ring frame fits one mbuf");
    }

    @Test
    void aJumboMtuGetsWholePageFramesOneABlockAndMbufsToMatch() {
        PortConfig p = afPacket("net_af_packet0,iface=veth0", 9000);
        String devargs = AfPacketRing.devargs(p);
        int frame = AfPacketRing.ownFrame(p.maxFrame());
        assertEquals("net_af_packet0,iface=veth0,framesz=" + frame + ",blocksz=" + frame, devargs);
        assertEquals(0, frame % EthDev.pageSize());
        assertTrue(AfPacketRing.carried(frame) >= p.maxFrame(), "a 9000-byte packet and its headers arrive whole");
        assertEquals(frame - EthDev.AF_PACKET_FRAME_HEADER, p.mbufRoom());
    }

    @Test
    void aGivenFrameSizeIsKeptWhenItCarriesTheMtuAndRefusedWhenItCannot() {
        PortConfig enough = afPacket("net_af_packet0,iface=veth0,framesz=16384,blocksz=16384", 9000);
        assertEquals(enough.devargs(), AfPacketRing.devargs(enough));
        assertEquals(16384 - EthDev.AF_PACKET_FRAME_HEADER, enough.mbufRoom());
        PortConfig small = afPacket("net_af_packet0,iface=veth0,framesz=2048", 9000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AfPacketRing.devargs(small));
        assertTrue(e.getMessage().contains("framesz=2048") && e.getMessage().contains("MTU 9000"), e.getMessage());
    }

    @Test
    void otherDriversNeedTheirFramesOnly() {
        PortConfig ring = new PortConfig("r", "net_ring0", 1, 1, 512, 512, true, 9000);
        assertEquals("net_ring0", AfPacketRing.devargs(ring));
        assertEquals(ring.maxFrame(), ring.mbufRoom());
    }
}
