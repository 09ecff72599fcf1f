package io.quiver.control.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.control.daemon.QuiverProcess;
import io.quiver.control.host.Shell;
import io.quiver.control.lab.NamespaceLab;
import io.quiver.control.lab.QemuGuest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real VM as Quiver's guest: QEMU (TCG) boots the Debian kernel with a busybox initramfs, its virtio-net device on
 * a vhost-user socket that Quiver attaches VNIC vm1 to, beside a namespace guest g1 on veth + af_packet. It pings
 * both ways, is held to its MAC, talks the guest protocol (printf and socat, as documented), and survives Quiver
 * being killed.
 * Needs root, qemu-system-x86, linux-image-amd64 and busybox-static (bin/quiver-test installs them).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VmOverVhostUserTest {
    static final String VM_MAC = "02:00:00:00:07:01";
    static final String VM_IP = NamespaceLab.SUBNET + "50";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    static Path config;
    static QuiverProcess quiver;
    static QemuGuest vm;
    static String api;
    static int starts;

    @BeforeAll
    static void up() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: namespaces, DPDK's runtime folder");
        assumeTrue(QemuGuest.unavailable() == null, QemuGuest.unavailable());
        assumeTrue(Shell.available("socat"), "socat is not installed (bin/quiver-test installs it)");
        Path guest = QemuGuest.build(dir.resolve("guest"), VM_IP + "/24");
        config = new NamespaceLab(1, "shared", dir).up();
        Path socket = dir.resolve("vm1.sock");
        Files.writeString(config, "  - { name: vm1, mac: \"" + VM_MAC + "\", ipv4: [\"" + VM_IP + "/24\"], vhostUser: { socket: \""
                + socket + "\" }, guestPolicy: \"mtu=68..1500\" }\n", StandardOpenOption.APPEND);
        startQuiver();
        vm = QemuGuest.boot(guest, socket, VM_MAC, dir.resolve("vm-console.log"));
        vm.awaitReady(180);
    }

    static void startQuiver() throws Exception {
        quiver = QuiverProcess.start("run", "--config", config.toString(), "--state-dir", dir.resolve("state").toString(),
                "--file-prefix", "quiver-vm-" + ProcessHandle.current().pid() + "-" + (++starts), "--api", "127.0.0.1:0");
        api = quiver.apiUrl(60);
        quiver.awaitOutput("quiver: running", 60);
    }

    @AfterAll
    static void down() throws Exception {
        if (vm != null) {
            vm.close();
        }
        if (quiver != null) {
            quiver.stop();
        }
        NamespaceLab.down(1);
    }

    static HttpResponse<String> call(String method, String path, String body) throws Exception {
        var r = HttpRequest.newBuilder(URI.create(api + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode vnic() throws Exception {
        return JSON.readTree(call("GET", "/v1/vnics/vm1", null).body());
    }

    static Shell.Result inG1(String... command) {
        return NamespaceLab.exec(NamespaceLab.guestNamespace(1), 60, command);
    }

    /** The guest protocol's request as the VM's shell sends it: printf and socat, as docs/guest-protocol.md shows. */
    static String request(int id, String parameter, String value) {
        return "printf 'QUIVER/1 REQUEST " + id + "\\nop: set\\nparameter: " + parameter + "\\nvalue: " + value + "\\n\\n'"
                + " | socat -t 3 - UDP:169.254.169.254:6860";
    }

    @Test
    @Order(1)
    void theVmAndANamespaceGuestPingEachOtherWithLargePacketsToo() throws Exception {
        QemuGuest.Result out = vm.run("ping -c 3 -W 3 " + NamespaceLab.guestIp(1), 60);
        assertEquals(0, out.exitCode(), out.output());
        QemuGuest.Result large = vm.run("ping -c 3 -W 3 -s 1400 " + NamespaceLab.guestIp(1), 60);
        assertEquals(0, large.exitCode(), large.output());
        assertEquals(0, inG1("ping", "-c", "3", "-W", "3", VM_IP).exitCode());
        Shell.Result largeIn = inG1("ping", "-c", "3", "-W", "3", "-s", "1400", VM_IP);
        assertEquals(0, largeIn.exitCode(), largeIn.output());
    }

    @Test
    @Order(2)
    void theVmTalksTheGuestProtocolFromInside() throws Exception {
        QemuGuest.Result accepted = vm.run(request(11, "mtu", "1400"), 30);
        assertTrue(accepted.output().contains("QUIVER/1 REPLY 11") && accepted.output().contains("status: accepted"), accepted.output());
        assertEquals("1400", JSON.readTree(call("GET", "/v1/vnics/vm1/props", null).body()).get("mtu").asText());

        QemuGuest.Result denied = vm.run(request(12, "vlan", "5"), 30);
        assertTrue(!denied.output().contains("status: accepted"), "vlan is not the VM's to change: " + denied.output());
        String audit = call("GET", "/v1/audit?limit=20", null).body();
        assertTrue(audit.contains("vm1") && audit.contains("vlan") && audit.toLowerCase().contains("not-permitted")
                || audit.contains("NOT_PERMITTED"), "the denial is audited: " + audit);

        // the host changes the VM's MTU: the VM hears of it on its notification port
        vm.run("(socat -u UDP-RECV:6861 - > /tmp/notify 2>&1 &)", 10);
        Thread.sleep(1000);
        HttpResponse<String> host = call("PUT", "/v1/vnics/vm1/props/mtu", "{\"value\":\"1300\"}");
        assertEquals(200, host.statusCode(), host.body());
        QemuGuest.Result heard = null;
        for (int i = 0; i < 20; i++) {
            heard = vm.run("cat /tmp/notify", 10);
            if (heard.output().contains("NOTIFY")) {
                break;
            }
            Thread.sleep(500);
        }
        assertTrue(heard.output().contains("QUIVER/1 NOTIFY") && heard.output().contains("parameter: mtu")
                && heard.output().contains("value: 1300"), heard.output());
    }

    @Test
    @Order(3)
    void aVmThatChangesItsMacIsDroppedAndCounted() throws Exception {
        long before = vnic().get("counters").get("drops").path("spoofed-src-mac").asLong();
        vm.run("ip link set eth0 down; ip link set eth0 address 02:00:00:00:07:99; ip link set eth0 up", 20);
        QemuGuest.Result forged = vm.run("ping -c 3 -W 2 " + NamespaceLab.guestIp(1), 60);
        assertNotEquals(0, forged.exitCode(), forged.output());
        long after = vnic().get("counters").get("drops").path("spoofed-src-mac").asLong();
        assertTrue(after >= before + 3, "the forged frames were dropped and counted: " + before + " -> " + after);
        vm.run("ip link set eth0 down; ip link set eth0 address " + VM_MAC + "; ip link set eth0 up", 20);
        assertEquals(0, vm.run("ping -c 2 -W 3 " + NamespaceLab.guestIp(1), 60).exitCode(), "its own MAC passes again");
    }

    @Test
    @Order(4)
    void theVmPingsAgainWithinTenSecondsOfQuiverComingBackFromKill9() throws Exception {
        ProcessHandle.of(quiver.pid()).ifPresent(ProcessHandle::destroyForcibly);
        quiver.waitFor();
        startQuiver();
        long restarted = System.nanoTime();
        boolean reached = false;
        while (!reached && System.nanoTime() - restarted < TimeUnit.SECONDS.toNanos(10)) {
            reached = vm.run("ping -c 1 -W 1 " + NamespaceLab.guestIp(1), 15).exitCode() == 0;
        }
        assertTrue(reached, "the VM reached g1 again within 10 s of Quiver's restart, without a reboot; console:\n" + vm.console());
    }
}
