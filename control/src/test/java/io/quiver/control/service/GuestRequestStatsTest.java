package io.quiver.control.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class GuestRequestStatsTest {

    @Test
    void anAcceptedRequestIsCountedWithItsLatencyAndStages() {
        GuestRequestStats stats = new GuestRequestStats();
        stats.recordAccepted(30_000, 5_000, 20_000, 4_000);
        stats.recordAccepted(50_000, 6_000, 40_000, 3_000);
        assertEquals(2, stats.accepted);
        assertEquals(2, stats.latency().getTotalCount());
        assertEquals(50_000, stats.latency().getMaxValue(), 50_000 * 0.001);
        Histogram[] stages = stats.stageLatency();
        assertEquals(GuestRequestStats.STAGES.length, stages.length);
        assertEquals(6_000, stages[0].getMaxValue(), 6);
        assertEquals(40_000, stages[1].getMaxValue(), 40);
        assertEquals(4_000, stages[2].getMaxValue(), 4);
    }

    @Test
    void copiesDoNotChangeWithLaterRequestsAndResetKeepsTheCounts() {
        GuestRequestStats stats = new GuestRequestStats();
        stats.recordAccepted(10_000, 1_000, 8_000, 1_000);
        Histogram before = stats.latency();
        stats.recordAccepted(20_000, 1_000, 18_000, 1_000);
        assertEquals(1, before.getTotalCount());
        stats.resetLatency();
        assertEquals(0, stats.latency().getTotalCount());
        assertEquals(0, stats.stageLatency()[1].getTotalCount());
        assertEquals(2, stats.accepted, "a reset forgets latencies, not what happened");
    }

    @Test
    void aClockStepOrAStuckRequestIsRecordedNotThrown() {
        GuestRequestStats stats = new GuestRequestStats();
        stats.recordAccepted(TimeUnit.SECONDS.toNanos(60), -5, TimeUnit.MINUTES.toNanos(5), 0);
        assertEquals(1, stats.latency().getTotalCount());
        assertEquals(TimeUnit.SECONDS.toNanos(10), stats.latency().getMaxValue(), TimeUnit.SECONDS.toNanos(10) * 0.001);
        assertEquals(0, stats.stageLatency()[0].getMaxValue());
    }
}
