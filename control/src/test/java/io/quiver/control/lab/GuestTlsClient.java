package io.quiver.control.lab;

import io.quiver.dataplane.guest.GuestServiceAddress;
import io.quiver.dataplane.offload.tls.HandshakeProgress;
import io.quiver.dataplane.offload.tls.host.HandshakeOffloadClient;
import io.quiver.dataplane.offload.tls.interop.OffloadedTls13Client;
import io.quiver.dataplane.offload.tls.interop.OpenSslServer;
import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import io.quiver.dataplane.offload.tls.wire.DatagramOffloadChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a guest runs inside its namespace for {@code TlsOffloadLabTest}: a TLS 1.3 connection to {@code openssl
 * s_server} (started here, on the namespace's loopback) whose handshake cryptography and record protection are done by
 * the appliance, reached through the guest's own VNIC at 169.254.169.254:6862; then a resumed connection with one of
 * the server's tickets. Prints one line per step and exits 0 when both connections exchanged data, 1 otherwise.
 */
public final class GuestTlsClient {
    private GuestTlsClient() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("hold")) {
            hold();
            return;
        }
        CipherSuite suite = CipherSuite.valueOf(args[0]);
        NamedGroup group = NamedGroup.valueOf(args[1]);
        Path dir = Files.createTempDirectory("quiver-guest-tls");
        try (OpenSslServer server = OpenSslServer.start(dir, suite.name(), 2);
             DatagramOffloadChannel channel = DatagramOffloadChannel.connect(
                     new InetSocketAddress(GuestServiceAddress.ADDRESS, GuestServiceAddress.TLS_OFFLOAD_PORT))) {
            HandshakeOffloadClient offload = new HandshakeOffloadClient(channel);
            System.out.println("service: " + channel.hello());
            OffloadedTls13Client.Ticket ticket;
            try (OffloadedTls13Client first = new OffloadedTls13Client(offload, 1, suite, group, server.port())) {
                first.handshake();
                String line = "from a guest over its VNIC\n";
                first.send(line.getBytes(StandardCharsets.US_ASCII));
                String answer = new String(first.receive(line.length()), StandardCharsets.US_ASCII);
                check(answer.equals(new StringBuilder(line.strip()).reverse() + "\n"), "data both ways: " + answer.strip());
                check(first.progress() == HandshakeProgress.COMPLETE, "handshake complete");
                check(!first.tickets().isEmpty(), "tickets became resumption PSKs");
                ticket = first.tickets().getFirst();
                first.closeNotify();
            }
            try (OffloadedTls13Client second = new OffloadedTls13Client(offload, 2, suite, group, server.port())) {
                second.resume(ticket);
                check(second.resumed(), "s_server accepted the PSK");
                second.send("again\n".getBytes(StandardCharsets.US_ASCII));
                check(new String(second.receive(6), StandardCharsets.US_ASCII).equals("niaga\n"), "resumed data");
            }
            System.out.println("guest TLS offload: ok");
        } catch (Exception e) {
            System.out.println("guest TLS offload failed: " + e);
            System.exit(1);
        }
    }

    /**
     * Opens a session (an external PSK, no peer needed) and leaves without closing it, as a guest that crashes or is
     * deleted does: UDP has no end of connection, so only the VNIC's going erases it.
     */
    private static void hold() throws Exception {
        try (DatagramOffloadChannel channel = DatagramOffloadChannel.connect(
                new InetSocketAddress(GuestServiceAddress.ADDRESS, GuestServiceAddress.TLS_OFFLOAD_PORT))) {
            var reply = new HandshakeOffloadClient(channel).start(io.quiver.dataplane.offload.tls.host.StartParameters
                    .of(42, io.quiver.dataplane.offload.tls.TlsRole.CLIENT, CipherSuite.TLS_AES_128_GCM_SHA256)
                    .psk(new byte[32], io.quiver.dataplane.offload.tls.PskKind.EXTERNAL)).get(10, java.util.concurrent.TimeUnit.SECONDS);
            check(reply.ok(), "a session held: " + reply);
            System.out.println("guest TLS offload: holding connection 42");
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("failed: " + what);
        }
        System.out.println("ok: " + what);
    }
}
