package io.quiver.dataplane.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.dataplane.counters.DropReason;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.port.PacketPool;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.EalRuntime;
import io.quiver.dpdk.Mbufs;
import io.quiver.dpdk.NativeMemory;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A capture's tap and writer with real mbufs from a real pool, an lcore's part played by a thread that records without
 * pause: the capture ends on time and when told even though its ring never empties, a full ring counts what it loses
 * instead of waiting, and the pcapng blocks are whole (each block's two lengths agree, frames as recorded).
 */
class CaptureSessionTest {
    @Test
    void aCaptureThatNeverGoesQuietEndsOnTimeAndWhenToldAndCountsWhatItLost() throws Exception {
        try (EalRuntime eal = EalRuntime.start(EalOptions.virtualDefaults().withFilePrefix("quiver-capturetest-" + ProcessHandle.current().pid()));
             PacketPool pool = PacketPool.create("capture-test", 1023, 32)) {
            byte[] frame = new UdpFrameBuilder().sourceIp(UdpFrameBuilder.parseIpv4("10.0.0.1")).destinationIp(UdpFrameBuilder.parseIpv4("10.0.0.2"))
                    .ports(1000, 2000).payload(new byte[100]).build();
            long m = Mbufs.alloc(pool.address());
            long at = Mbufs.append(m, frame.length);
            MemorySegment.copy(frame, 0, NativeMemory.ALL, ValueLayout.JAVA_BYTE, at, frame.length);

            CaptureTap tap = new CaptureTap(new CaptureFilter(true, true, true, 64), 64);
            AtomicBoolean producing = new AtomicBoolean(true);
            Thread lcore = new Thread(() -> {
                while (producing.get()) {
                    tap.record(m, CaptureTap.INBOUND);
                    tap.recordDrop(m, CaptureTap.OUTBOUND, DropReason.SPOOFED_SOURCE_IP);
                }
            });
            lcore.start();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            long t0 = System.nanoTime();
            CaptureSession.Summary timed;
            try (PcapngWriter w = new PcapngWriter(bytes, "test")) {
                timed = CaptureSession.run(tap, w, w.addInterface("vnic:t", "test", 64), 0, 300_000_000L, () -> true);
            }
            long took = System.nanoTime() - t0;
            assertEquals(CaptureSession.End.DURATION, timed.end());
            assertTrue(took < 2_000_000_000L, "ended on time: " + took / 1e6 + " ms");
            assertTrue(timed.captured() > 0, timed.toString());

            AtomicBoolean go = new AtomicBoolean(true);
            Thread stopper = new Thread(() -> {
                sleep(300);
                go.set(false);
            });
            stopper.start();
            CaptureSession.Summary stopped;
            try (PcapngWriter w = new PcapngWriter(new ByteArrayOutputStream(), "test")) {
                stopped = CaptureSession.run(tap, w, w.addInterface("vnic:t", "test", 64), 0, 0, go::get);
            }
            assertEquals(CaptureSession.End.STOPPED, stopped.end(), "ended when told, frames still coming");
            producing.set(false);
            lcore.join();
            assertTrue(tap.lost() > 0, "a writer slower than the producer lost frames, counted: " + tap.lost());
            Mbufs.free(m);
            assertEquals(0, pool.inUse(), "no mbuf held by the capture");

            ByteBuffer b = ByteBuffer.wrap(bytes.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
            int packets = 0;
            int drops = 0;
            while (b.remaining() >= 12) {
                int start = b.position();
                int type = b.getInt(start);
                int length = b.getInt(start + 4);
                assertEquals(length, b.getInt(start + length - 4), "a block's two lengths agree");
                if (type == 6) {
                    packets++;
                    assertEquals(64, b.getInt(start + 20), "cut at the snap length");
                    assertEquals(frame.length, b.getInt(start + 24), "the frame's length on the wire");
                    int flags = b.getInt(start + 28 + 64 + 4);
                    if (flags == CaptureTap.OUTBOUND) {
                        drops++;
                    }
                }
                b.position(start + length);
            }
            assertEquals(0, b.remaining(), "whole blocks only");
            assertEquals(timed.captured(), packets, "every frame written is a block");
            assertTrue(drops > 0 && drops < packets, "the drops, outbound, among the deliveries: " + drops + " of " + packets);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
