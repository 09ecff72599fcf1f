package io.quiver.control.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.control.host.Shell;
import io.quiver.dataplane.capture.PcapFile;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vhost-user protocol without a VM: a helper DPDK process (dpdk-testpmd) plays the VM's virtio-net device with a
 * {@code net_virtio_user} port that serves the socket, as QEMU does, and swaps every frame's addresses back
 * ({@code 5tswap}), as a guest answering would. Quiver attaches the VNIC by {@code vhostUser}, connects as client,
 * and must carry traffic both ways, see the link go down when the "VM" goes and come back when it returns.
 * Needs root (DPDK's runtime folders) and dpdk-testpmd (Debian dpdk-dev, which bin/quiver-test installs).
 */
class VhostUserTest {
    static final String VM_MAC = "02:00:00:00:07:01";
    static final String VM_IP = "10.7.0.1";
    static final String GATEWAY_MAC = "02:00:00:00:ff:fe";
    static final String REMOTE_IP = "198.51.100.7";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;
    QuiverProcess quiver;
    Process vm;
    String api;

    @AfterEach
    void stop() throws Exception {
        stopVm();
        if (quiver != null) {
            quiver.stop();
        }
    }

    /** Quiver with the uplink on {@code uplinkDevargs} and VNIC vm1 attached by {@code vhostUser}, its API up. */
    void startQuiver(String uplinkDevargs, String vhostUser) throws Exception {
        Path config = dir.resolve("vm.yaml");
        Files.writeString(config, """
                ports:
                  - { name: uplink, devargs: "%s" }
                uplink: { port: uplink }
                vnics:
                  - { name: vm1, mac: "%s", ipv4: ["%s/24"], vhostUser: %s }
                """.formatted(uplinkDevargs, VM_MAC, VM_IP, vhostUser));
        quiver = QuiverProcess.start("run", "--config", config.toString(), "--file-prefix", "quiver-vu-" + ProcessHandle.current().pid(),
                "--state-dir", dir.resolve("state").toString(), "--api", "127.0.0.1:0");
        api = quiver.apiUrl(60);
        quiver.awaitOutput("quiver: running", 30);
    }

    /** testpmd as the VM: it serves the socket, and answers every frame with addresses swapped. */
    Process startVm(Path socket, int generation) throws IOException {
        Path log = dir.resolve("testpmd-" + generation + ".log");
        List<String> cmd = List.of("dpdk-testpmd", "--lcores", "0@0,1@0", "--no-huge", "-m", "512", "--no-pci",
                "--file-prefix", "qv-vu-" + ProcessHandle.current().pid() + "-" + generation,
                "--vdev=net_virtio_user0,path=" + socket + ",server=1,queues=1,mac=" + VM_MAC,
                "--", "--forward-mode=5tswap", "--auto-start", "--total-num-mbufs=4096", "--stats-period=1");
        // testpmd without -i stops when its standard input closes: the pipe stays open until stopVm
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    void stopVm() throws Exception {
        if (vm != null) {
            vm.getOutputStream().close();
            vm.destroy();
            if (!vm.waitFor(20, TimeUnit.SECONDS)) {
                vm.destroyForcibly();
            }
            vm = null;
        }
    }

    JsonNode get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    long vnicCounter(String field) throws Exception {
        return get("/v1/vnics/vm1").get("counters").get(field).asLong();
    }

    JsonNode port(String name) throws Exception {
        for (JsonNode p : get("/v1/ports")) {
            if (p.get("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no port " + name);
    }

    static boolean within(long seconds, Check check) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            if (check.holds()) {
                return true;
            }
            Thread.sleep(200);
        }
        return check.holds();
    }

    interface Check {
        boolean holds() throws Exception;
    }

    @Test
    void aVmOnVhostUserExchangesTrafficAndComesBackAfterItRestarts() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: DPDK's runtime folders");
        assumeTrue(Shell.available("dpdk-testpmd"), "dpdk-testpmd is not installed (Debian dpdk-dev; bin/quiver-test installs it)");
        Path socket = dir.resolve("vm1.sock");
        List<byte[]> toVm = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            toVm.add(new UdpFrameBuilder().destinationMac(Ethernet.parseMac(VM_MAC)).sourceMac(Ethernet.parseMac(GATEWAY_MAC))
                    .sourceIp(UdpFrameBuilder.parseIpv4(REMOTE_IP)).destinationIp(UdpFrameBuilder.parseIpv4(VM_IP))
                    .ports(5000 + i, 7000).payload(new byte[] {1, 2, 3, (byte) i}).build());
        }
        Path traffic = dir.resolve("to-vm.pcap");
        PcapFile.write(traffic, toVm);
        // Quiver first: QEMU may start after it (the client keeps trying); the link is down until the VM is there
        startQuiver("net_pcap40,rx_pcap=" + traffic + ",infinite_rx=1", "{ socket: \"" + socket + "\" }");
        assertEquals("net_vhost", port("vm1").get("driver").asText());
        assertTrue(!port("vm1").get("linkUp").asBoolean(), "no VM yet: link down");

        vm = startVm(socket, 1);
        assertTrue(within(30, () -> port("vm1").get("linkUp").asBoolean()), "the VM connected: link up");
        assertTrue(within(20, () -> vnicCounter("rxPackets") > 1000 && vnicCounter("txPackets") > 1000),
                "traffic reaches the VM and its answers leave through the uplink: " + get("/v1/vnics/vm1"));
        JsonNode drops = get("/v1/vnics/vm1").get("counters").get("drops");
        assertTrue(!drops.has("spoofed-src-mac") && !drops.has("spoofed-src-ip"), "the VM's answers are its own: " + drops);

        stopVm(); // the VM goes away mid-traffic
        assertTrue(within(15, () -> !port("vm1").get("linkUp").asBoolean()), "link down when the VM goes");
        Thread.sleep(1000); // a VM's restart takes a while: the link monitor sees it down
        long sentBefore = vnicCounter("txPackets");
        vm = startVm(socket, 2);
        assertTrue(within(30, () -> port("vm1").get("linkUp").asBoolean()), "the VM is back: link up");
        assertTrue(within(20, () -> vnicCounter("txPackets") > sentBefore + 1000), "traffic resumed without an operator");
        assertEquals(3, port("vm1").get("linkChanges").asLong(), "up, down, up: " + port("vm1") + "\n" + quiver.stderr());
        stopVm();
        quiver.signal("TERM");
        assertEquals(0, quiver.waitFor(), quiver.stderr());
        String log = quiver.stderr();
        assertTrue(log.contains("port vm1 (net_vhost): link up") && log.contains("port vm1 (net_vhost): link down"), log);
        quiver = null;
    }

    @Test
    void aMultiQueueVmIsReadOnEveryQueue() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root: DPDK's runtime folders");
        assumeTrue(Shell.available("dpdk-testpmd"), "dpdk-testpmd is not installed (Debian dpdk-dev; bin/quiver-test installs it)");
        Path socket = dir.resolve("mq.sock");
        startQuiver("net_null40,no-rx=1", "{ socket: \"" + socket + "\", queues: 2 }");
        // the "VM" sends on both of its queues (txonly: one stream per queue), from its own MAC and address
        Path log = dir.resolve("testpmd-mq.log");
        vm = new ProcessBuilder("dpdk-testpmd", "--lcores", "0@0,1@0", "--no-huge", "-m", "512", "--no-pci",
                "--file-prefix", "qv-vumq-" + ProcessHandle.current().pid(),
                "--vdev=net_virtio_user0,path=" + socket + ",server=1,queues=2,mac=" + VM_MAC,
                "--", "--forward-mode=txonly", "--rxq=2", "--txq=2", "--nb-cores=1", "--eth-peer=0," + GATEWAY_MAC,
                "--tx-ip=" + VM_IP + "," + REMOTE_IP, "--auto-start", "--total-num-mbufs=8192", "--stats-period=1")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(within(30, () -> port("vm1").get("linkUp").asBoolean()), "the VM connected");
        assertTrue(within(20, () -> vnicCounter("txPackets") > 100_000), "the VM's frames pass: " + get("/v1/vnics/vm1"));
        JsonNode byQueue = port("vm1").get("rxPacketsByQueue");
        assertEquals(2, byQueue.size(), "both of the VM's queues are Quiver's RX queues: " + port("vm1"));
        assertTrue(byQueue.get(0).asLong() > 10_000 && byQueue.get(1).asLong() > 10_000, "both are read: " + byQueue);
        stopVm();
        JsonNode drops = get("/v1/vnics/vm1").get("counters").get("drops");
        assertTrue(!drops.has("spoofed-src-mac") && !drops.has("spoofed-src-ip"), drops.toString());
    }
}
