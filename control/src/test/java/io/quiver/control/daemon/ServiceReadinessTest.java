package io.quiver.control.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.quiver.control.host.Shell;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a Type=notify unit relies on: Quiver sends READY=1 to $NOTIFY_SOCKET once it runs (and STOPPING=1 when it
 * stops), the datagram systemd waits for. A socat datagram listener plays systemd.
 */
class ServiceReadinessTest {
    @TempDir
    Path dir;

    @Test
    void quiverTellsTheServiceManagerWhenItIsReadyAndWhenItStops() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: DPDK's runtime folder");
        assumeTrue(Shell.available("socat"), "socat is not installed (bin/quiver-test installs it)");
        Path socket = dir.resolve("notify.sock");
        Path received = dir.resolve("received");
        Process manager = new ProcessBuilder("socat", "-u", "UNIX-RECV:" + socket, "OPEN:" + received + ",creat,append")
                .redirectErrorStream(true).start();
        QuiverProcess q = null;
        try {
            for (int i = 0; i < 100 && !Files.exists(socket); i++) {
                Thread.sleep(50);
            }
            q = QuiverProcess.start(Map.of("NOTIFY_SOCKET", socket.toString()),
                    "run", "--file-prefix", "quiver-notify-" + ProcessHandle.current().pid(), "--api", "127.0.0.1:0",
                    "--state-dir", dir.resolve("state").toString());
            q.awaitOutput("quiver: told the service manager it is ready", 60);
            // socat writes what it received a moment after the daemon sent it: wait for it (a loaded machine races)
            String ready = "";
            for (int i = 0; i < 100 && !ready.contains("READY=1"); i++) {
                Thread.sleep(50);
                ready = Files.exists(received) ? Files.readString(received) : "";
            }
            assertTrue(ready.contains("READY=1") && ready.contains("STATUS=4 VNIC(s), REST API on port"), ready);
            q.signal("TERM");
            assertEquals(0, q.waitFor(), q.stderr());
            q = null;
            for (int i = 0; i < 100 && !Files.readString(received).contains("STOPPING=1"); i++) {
                Thread.sleep(50);
            }
            assertTrue(Files.readString(received).contains("STOPPING=1"), Files.readString(received));
        } finally {
            if (q != null) { // a failed assertion must not leave a daemon spinning on a CPU for the tests after it
                q.stop();
            }
            manager.destroy();
            manager.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void withoutAServiceManagerNothingIsSaid() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: DPDK's runtime folder");
        QuiverProcess q = QuiverProcess.start(Map.of(), "run", "--file-prefix", "quiver-nonotify-" + ProcessHandle.current().pid(),
                "--api", "127.0.0.1:0", "--state-dir", dir.resolve("state").toString());
        q.awaitOutput("quiver: running", 60);
        Thread.sleep(500);
        assertTrue(!q.stdout().contains("told the service manager"), q.stdout());
        q.signal("TERM");
        assertEquals(0, q.waitFor(), q.stderr());
        assertTrue(List.of(q.stderr().split("\n")).stream().noneMatch(l -> l.contains("sd_notify")), q.stderr());
    }
}
