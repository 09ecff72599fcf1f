package io.quiver.control.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.control.daemon.QuiverProcess;
import io.quiver.control.host.Shell;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromium-driver, through Selenium) against the real
 * daemon on a namespace lab: the page's numbers follow the counters, an audit entry appears after set-vnicprop, and a
 * page left open for ten minutes under traffic does not grow. Needs root, chromium and chromium-driver (bin/quiver-test
 * installs them). {@code -Dquiver.dashboard.soak.seconds} shortens the soak for a local run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardLabTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    static Path dir;
    static QuiverProcess quiver;
    static String api;
    static WebDriver browser;

    @BeforeAll
    static void up() throws Exception {
        LabApi.assumeLab("ip", "ping");
        org.junit.jupiter.api.Assumptions.assumeTrue(CHROMIUM.toFile().canExecute() && DRIVER.toFile().canExecute(),
                "chromium and chromium-driver are not installed (bin/quiver-test installs them)");
        Path config = new NamespaceLab(3, "shared", dir).up();
        quiver = LabApi.start(config, "quiver-dashlab", dir);
        api = quiver.apiUrl(60);
        quiver.awaitOutput("quiver: running", 30);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // root in a container: no sandbox; gc() and exact heap sizes for the soak
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--js-flags=--expose-gc", "--enable-precise-memory-info", "--window-size=1280,2400");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .withLogFile(dir.resolve("chromedriver.log").toFile()).build();
        browser = new ChromeDriver(service, options);
        browser.get(api + "/");
    }

    @AfterAll
    static void down() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (quiver != null) {
            quiver.stop();
        }
        NamespaceLab.down(3);
    }

    static String cell(String id) {
        List<WebElement> found = browser.findElements(By.id(id));
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    static long restVnic(String name, String field) throws Exception {
        return LabApi.ok(api, "GET", "/v1/vnics/" + name, null).get("counters").get(field).asLong();
    }

    static long restPort(String name, String field) throws Exception {
        for (var p : LabApi.ok(api, "GET", "/v1/ports", null)) {
            if (p.get("name").asText().equals(name)) {
                return p.get(field).asLong();
            }
        }
        throw new AssertionError("no port " + name);
    }

    /** Waits up to {@code seconds} for {@code condition}; the message says what the page showed. */
    static void await(Supplier<Boolean> condition, long seconds, Supplier<String> message) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.get()) {
            assertTrue(System.nanoTime() < deadline, message);
            Thread.sleep(200);
        }
    }

    @Test
    @Order(1)
    void thePagesNumbersFollowTheCounters() throws Exception {
        await(() -> !cell("vnic-rx-g2").isEmpty(), 20, () -> "the page shows g2: " + browser.getPageSource());
        assertEquals("live", cell("status"), "the event stream is open");
        assertEquals(0, NamespaceLab.exec("qv-g1", 30, "ping", "-c", "5", "-i", "0.2", "-W", "2", NamespaceLab.guestIp(2)).exitCode());
        Thread.sleep(500); // the replies are in: the counters stand still
        long rx = restVnic("g2", "rxPackets");
        long tx = restVnic("g1", "txPackets");
        long uplinkRx = restPort("uplink", "rxPackets");
        await(() -> cell("vnic-rx-g2").equals(Long.toString(rx)) && cell("vnic-tx-g1").equals(Long.toString(tx)), 10,
                () -> "the page follows the counters: g2 rx " + cell("vnic-rx-g2") + " against " + rx + ", g1 tx "
                        + cell("vnic-tx-g1") + " against " + tx);
        assertEquals(Long.toString(uplinkRx), cell("port-rx-uplink"));

        // a rate while traffic flows: a ping every 20 ms is 50 packets/s into g2
        Thread flood = new Thread(() -> NamespaceLab.exec("qv-g1", 30, "ping", "-c", "300", "-i", "0.02", "-W", "2", NamespaceLab.guestIp(2)));
        flood.start();
        await(() -> rate(cell("vnic-rx-rate-g2")) >= 20, 10, () -> "g2's rate shows: " + cell("vnic-rx-rate-g2"));
        flood.join();
        assertTrue(browser.findElements(By.cssSelector("#vnic-chart canvas")).size() > 0, "the VNICs' chart is drawn");
        assertTrue(browser.findElements(By.cssSelector("#port-chart canvas")).size() > 0, "the ports' chart is drawn");
        await(() -> cell("vnic-rx-rate-g2").equals("0"), 10, () -> "the rate falls back to 0: " + cell("vnic-rx-rate-g2"));
    }

    static double rate(String shown) {
        if (shown.isEmpty()) {
            return 0;
        }
        double scale = shown.endsWith("M") ? 1e6 : shown.endsWith("k") ? 1e3 : 1;
        return Double.parseDouble(shown.replaceAll("[kM]$", "")) * scale;
    }

    @Test
    @Order(2)
    void anAuditEntryAppearsAfterSetVnicprop() throws Exception {
        QuiverProcess set = LabApi.cli(api, "set-vnicprop", "g3", "mtu=1400");
        assertEquals(0, set.waitFor(), set.stderr());
        await(() -> browser.findElements(By.cssSelector("#audit li")).stream().anyMatch(li -> li.getText().contains("g3 mtu=1400")), 10,
                () -> "the audit feed shows the change: " + browser.findElement(By.id("audit")).getText());
        QuiverProcess denied = LabApi.cli(api, "set-vnicprop", "g3", "mtu=99999");
        assertEquals(1, denied.waitFor(), "refused: " + denied.stderr());
    }

    @Test
    @Order(3)
    void aPageLeftOpenDoesNotGrow() throws Exception {
        long seconds = Long.getLong("quiver.dashboard.soak.seconds", 600);
        JavascriptExecutor js = (JavascriptExecutor) browser;
        Process traffic = new ProcessBuilder("ip", "netns", "exec", "qv-g1", "ping", "-i", "0.05", "-W", "1", NamespaceLab.guestIp(2))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Thread.sleep(Math.min(60, seconds / 4) * 1000L); // the charts fill their first minute
            long heap0 = heapAfterGc(js);
            long nodes0 = nodes(js);
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            while (System.nanoTime() < end) {
                Thread.sleep(10_000);
                assertEquals("live", cell("status"), "the stream stays open");
            }
            long heap1 = heapAfterGc(js);
            long nodes1 = nodes(js);
            System.out.printf("dashboard after %d s: JS heap %d -> %d bytes, %d -> %d DOM nodes%n", seconds, heap0, heap1, nodes0, nodes1);
            assertTrue(heap1 <= heap0 + Math.max(2_000_000, heap0 / 5), "the page's heap grew from " + heap0 + " to " + heap1);
            assertTrue(nodes1 <= nodes0 + 50, "the page's DOM grew from " + nodes0 + " to " + nodes1 + " nodes");
        } finally {
            traffic.destroy();
        }
    }

    static long heapAfterGc(JavascriptExecutor js) throws InterruptedException {
        js.executeScript("window.gc(); window.gc();");
        Thread.sleep(500);
        return ((Number) js.executeScript("return performance.memory.usedJSHeapSize;")).longValue();
    }

    static long nodes(JavascriptExecutor js) {
        return ((Number) js.executeScript("return document.getElementsByTagName('*').length;")).longValue();
    }
}
