package io.quiver.dataplane.runtime;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.quiver.dataplane.port.PacketPool;
import io.quiver.dataplane.port.Port;
import io.quiver.dataplane.port.PortConfig;
import io.quiver.dpdk.DpdkException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** DPDK's own log reaches Quiver's logger as "dpdk", its level mapped: a driver's error is an ERROR event. */
class DpdkLogTest {
    @Test
    void aDriversErrorIsLoggedThroughTheLoggerAtError() {
        Logger dpdk = (Logger) LoggerFactory.getLogger("dpdk");
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        dpdk.addAppender(events);
        try (EalRuntime eal = EalRuntime.start(EalOptions.virtualDefaults().withFilePrefix("quiver-dpdklog-" + ProcessHandle.current().pid()));
             PacketPool pool = PacketPool.create("dpdk-log", 1023, 32)) {
            assertThrows(DpdkException.class, () -> Port.open(PortConfig.of("p", "net_pcap30,rx_pcap=/nonexistent/x.pcap"), pool));
        } finally {
            dpdk.detachAppender(events);
        }
        assertTrue(events.list.stream().anyMatch(e -> e.getLevel() == Level.ERROR
                        && e.getFormattedMessage().contains("Couldn't open /nonexistent/x.pcap")),
                "the pcap driver's complaint, as an ERROR of logger dpdk: " + events.list);
        assertTrue(events.list.stream().noneMatch(e -> e.getFormattedMessage().endsWith("\n")), "one line each, no newline");
    }
}
