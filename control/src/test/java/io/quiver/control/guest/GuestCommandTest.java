package io.quiver.control.guest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.control.cli.GuestCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * {@code quiver guest request|listen} against real UDP sockets on 127.0.0.1: a responder thread in the test plays
 * Quiver's guest request service.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GuestCommandTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private Responder responder;

    @AfterEach
    void stopResponder() throws Exception {
        if (responder != null) {
            responder.close();
        }
    }

    @Test
    void anAcceptedSetExitsZeroAndPrintsTheNewValue() throws Exception {
        responder = new Responder(request -> List.of(GuestReply.accepted(request, "1400", 42)));
        assertEquals(0, run("request", "--set", "mtu=1400", "--server", "127.0.0.1", "--port", responder.port()));
        assertEquals("accepted: mtu = 1400 (change 42)\n", out.toString());
        GuestRequest seen = responder.requests.getFirst();
        assertEquals(GuestRequest.Op.SET, seen.op());
        assertEquals("mtu", seen.parameter());
        assertEquals("1400", seen.value());
    }

    @Test
    void aGetPrintsTheCurrentValueAsJson() throws Exception {
        responder = new Responder(request -> List.of(GuestReply.accepted(request, "10.0.0.5/24,10.0.0.6/24")));
        assertEquals(0, run("request", "--get", "ipv4-addresses", "--json", "--server", "127.0.0.1", "--port",
                responder.port()));
        JsonNode reply = JSON.readTree(out.toString());
        assertEquals("accepted", reply.get("status").asText());
        assertEquals("get", reply.get("op").asText());
        assertEquals("ipv4-addresses", reply.get("parameter").asText());
        assertEquals("10.0.0.5/24,10.0.0.6/24", reply.get("value").asText());
        assertEquals(responder.requests.getFirst().id(), reply.get("id").asInt());
        assertEquals(GuestRequest.Op.GET, responder.requests.getFirst().op());
    }

    @Test
    void anExplicitDenialExitsThree() throws Exception {
        responder = new Responder(request -> List.of(GuestReply.denied(request, "value-not-allowed",
                "mtu 9000 is outside the allowed values 68..1500")));
        assertEquals(3, run("request", "--set", "mtu=9000", "--server", "127.0.0.1", "--port", responder.port()));
        assertEquals("denied: mtu: value-not-allowed: mtu 9000 is outside the allowed values 68..1500\n",
                out.toString());
    }

    @Test
    void anErrorReplyExitsFive() throws Exception {
        responder = new Responder(request -> List.of(GuestReply.error(request, GuestReply.INTERNAL, "disk full")));
        assertEquals(5, run("request", "--set", "mtu=1400", "--server", "127.0.0.1", "--port", responder.port(),
                "--json"));
        JsonNode reply = JSON.readTree(out.toString());
        assertEquals("error", reply.get("status").asText());
        assertEquals("internal", reply.get("reason").asText());
        assertEquals("disk full", reply.get("message").asText());
    }

    @Test
    void silenceExitsFourWhenTheTimeoutEndsAndSaysDenialsAreSilent() throws Exception {
        responder = new Responder(request -> List.of());
        long start = System.nanoTime();
        assertEquals(4, run("request", "--set", "mtu=9000", "--timeout", "0.5", "--server", "127.0.0.1", "--port",
                responder.port()));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds >= 0.45 && seconds < 5, "waited " + seconds + " s");
        assertEquals(1, responder.requests.size(), "the request did go out");
        assertTrue(err.toString().contains("no reply from 127.0.0.1:" + responder.port() + " to request "
                + responder.requests.getFirst().id() + " within 0.5 s"), err.toString());
        assertTrue(err.toString().contains("A denied request is dropped silently unless the appliance enables"
                + " explicit denial replies"), err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void silenceWithJsonStillPrintsOneObject() throws Exception {
        responder = new Responder(request -> List.of());
        assertEquals(4, run("request", "--get", "mtu", "--timeout", "0.3", "--json", "--server", "127.0.0.1",
                "--port", responder.port()));
        assertEquals("no-reply", JSON.readTree(out.toString()).get("status").asText());
    }

    @Test
    void nothingListeningIsANoReplyThatSaysSo() throws Exception {
        int closed;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            closed = s.getLocalPort();
        }
        assertEquals(4, run("request", "--get", "mtu", "--timeout", "2", "--server", "127.0.0.1", "--port",
                Integer.toString(closed)));
        assertTrue(err.toString().contains("nothing intercepted the request"), err.toString());
    }

    @Test
    void otherRepliesAndGarbageAreIgnoredWhileWaiting() throws Exception {
        responder = new Responder(request -> List.of(
                "not a guest message".getBytes(UTF_8),
                GuestReply.accepted(GuestRequest.get(request.id() == 1 ? 2 : request.id() - 1, "mtu"), "1"),
                new GuestNotification(3, "mtu", "9000"),
                GuestReply.accepted(request, "1500")));
        assertEquals(0, run("request", "--get", "mtu", "--server", "127.0.0.1", "--port", responder.port()));
        assertEquals("accepted: mtu = 1500\n", out.toString());
        assertTrue(err.toString().contains("ignored a malformed datagram"), err.toString());
        assertTrue(err.toString().contains("waiting for the reply to request"), err.toString());
    }

    @Test
    void badRequestsAreUsageErrors() {
        assertEquals(2, run("request", "--set", "mtu"));
        assertTrue(err.toString().contains("--set takes PARAM=VALUE, e.g. --set mtu=1400, not 'mtu'"), err.toString());
        assertEquals(2, run("request", "--set", "MTU=1400"));
        assertTrue(err.toString().contains("--set bad parameter 'MTU'"), err.toString());
        assertEquals(2, run("request", "--set", "mtu="));
        assertTrue(err.toString().contains("--set bad value: it is empty"), err.toString());
        assertEquals(2, run("request", "--get", "mtu", "--set", "mtu=1"));
        assertEquals(2, run("request"));
        assertEquals(2, run("request", "--get", "mtu", "--timeout", "0"));
        assertEquals(2, run("request", "--get", "mtu", "--port", "70000"));
        assertEquals(2, run());
    }

    @Test
    void listenPrintsEachNotificationAndStopsAfterTheCount() throws Exception {
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run("listen", "--count", "2",
                "--timeout", "20", "--port", "0", "--server", "127.0.0.1", "--json"));
        int port = awaitListening(exit);
        try (DatagramSocket quiver = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            send(quiver, port, GuestCodec.encode(new GuestNotification(41, "mtu", "9000")));
            send(quiver, port, "QUIVER/1 NOTIFY\n\n".getBytes(UTF_8));
            send(quiver, port, GuestCodec.encode(GuestReply.accepted(GuestRequest.get(1, "mtu"), "1500")));
            send(quiver, port, GuestCodec.encode(new GuestNotification(42, "vlan", "100")));
            assertEquals(0, exit.get(20, TimeUnit.SECONDS));
        }
        String[] lines = out.toString().split("\n");
        assertEquals(2, lines.length, out.toString());
        JsonNode first = JSON.readTree(lines[0]);
        assertEquals(41, first.get("sequence").asLong());
        assertEquals("mtu", first.get("parameter").asText());
        assertEquals("9000", first.get("value").asText());
        assertTrue(first.get("from").asText().startsWith("127.0.0.1:"));
        JsonNode second = JSON.readTree(lines[1]);
        assertEquals(42, second.get("sequence").asLong());
        assertEquals("vlan", second.get("parameter").asText());
        assertEquals("100", second.get("value").asText());
        assertTrue(err.toString().contains("ignored a malformed datagram"), err.toString());
        assertTrue(err.toString().contains("(not a notification)"), err.toString());
    }

    @Test
    void listenPrintsPlainLinesAndExitsFourWhenTheTimeoutComesFirst() throws Exception {
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run("listen", "--count", "3",
                "--timeout", "1", "--port", "0", "--server", "127.0.0.1"));
        int port = awaitListening(exit);
        try (DatagramSocket quiver = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            send(quiver, port, GuestCodec.encode(new GuestNotification(7, "priority", "3")));
        }
        assertEquals(4, exit.get(20, TimeUnit.SECONDS));
        assertEquals("change 7: priority = 3\n", out.toString());
        assertTrue(err.toString().contains("1 of 3 notification(s) within 1 s"), err.toString());
    }

    @Test
    void listenWithATimeoutAloneEndsQuietly() {
        assertEquals(0, run("listen", "--timeout", "0.2", "--port", "0"));
        assertEquals("", out.toString());
    }

    private int run(String... args) {
        CommandLine cli = new CommandLine(new GuestCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /** The port {@code listen} bound, read from its "listening on" line. */
    private int awaitListening(CompletableFuture<Integer> exit) throws InterruptedException {
        Pattern listening = Pattern.compile("listening on \\*:(\\d+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && !exit.isDone()) {
            Matcher m = listening.matcher(err.toString());
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(5);
        }
        throw new AssertionError("listen never said it was listening: " + err);
    }

    private static void send(DatagramSocket socket, int port, byte[] payload) throws Exception {
        socket.send(new DatagramPacket(payload, payload.length, LOOPBACK, port));
    }

    /** Quiver's service, as far as the guest can tell: answers each request with what {@code answer} returns. */
    private static final class Responder implements AutoCloseable {
        final List<GuestRequest> requests = new CopyOnWriteArrayList<>();
        private final DatagramSocket socket;
        private final Thread thread;

        Responder(Function<GuestRequest, List<Object>> answer) throws SocketException {
            socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
            socket.setSoTimeout(100);
            thread = Thread.ofPlatform().name("guest-responder").daemon().start(() -> serve(answer));
        }

        String port() {
            return Integer.toString(socket.getLocalPort());
        }

        private void serve(Function<GuestRequest, List<Object>> answer) {
            byte[] buffer = new byte[GuestProtocol.MAX_DATAGRAM + 1];
            while (!socket.isClosed()) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                    GuestRequest request = GuestCodec.decodeRequest(packet.getData(), 0, packet.getLength());
                    requests.add(request);
                    for (Object reply : answer.apply(request)) {
                        byte[] b = reply instanceof GuestMessage m ? GuestCodec.encode(m) : (byte[]) reply;
                        socket.send(new DatagramPacket(b, b.length, packet.getSocketAddress()));
                    }
                } catch (SocketTimeoutException e) {
                    // look at isClosed again
                } catch (Exception e) {
                    if (!socket.isClosed()) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            thread.join(5000);
        }
    }
}
