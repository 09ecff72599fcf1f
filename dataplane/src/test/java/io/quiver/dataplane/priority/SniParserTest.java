package io.quiver.dataplane.priority;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SNI from the ClientHellos of real clients: openssl s_client and curl connect to a socket of this test, which keeps
 * the first bytes they send. Whole, cut at every byte as TCP segments could be, without a name, and damaged.
 */
class SniParserTest {
    /** The first bytes a client sends to a listening socket (its ClientHello), the client started by {@code command}. */
    static byte[] firstFlight(List<String> command) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<String> cmd = command.stream().map(s -> s.replace("PORT", Integer.toString(server.getLocalPort()))).toList();
            Process client = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            server.setSoTimeout(10_000);
            try (Socket s = server.accept()) {
                s.setSoTimeout(3_000);
                InputStream in = s.getInputStream();
                byte[] buf = new byte[16_384];
                int n = 0;
                while (n < 5 || n < 5 + ((buf[3] & 0xff) << 8 | (buf[4] & 0xff))) {
                    int r = in.read(buf, n, buf.length - n);
                    if (r < 0) {
                        break;
                    }
                    n += r;
                }
                return Arrays.copyOf(buf, n);
            } finally {
                client.destroyForcibly();
                client.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    static boolean have(String tool) {
        return Files.isExecutable(Path.of("/usr/bin", tool));
    }

    static String name(SniParser p, int length) {
        return new String(p.buffer(), p.nameOffset(), length, StandardCharsets.US_ASCII);
    }

    /** Fed the hello in two pieces at every cut: before the name is whole more is needed, after it the name is found. */
    static void everyCut(byte[] hello, String expected) {
        SniParser p = new SniParser(4096);
        for (int cut = 0; cut <= hello.length; cut++) {
            int r = p.parse(hello, cut);
            if (r >= 0) {
                assertEquals(expected, name(p, r), "cut at " + cut);
            } else {
                assertEquals(SniParser.NEED_MORE, r, "cut at " + cut + " of " + hello.length);
            }
        }
        int whole = p.parse(hello, hello.length);
        assertTrue(whole > 0, "the whole hello has the name");
    }

    @Test
    void opensslsClientHelloNamesItsServer() throws Exception {
        assumeTrue(have("openssl"), "openssl is not installed (bin/quiver-test installs it)");
        byte[] hello = firstFlight(List.of("openssl", "s_client", "-connect", "127.0.0.1:PORT", "-servername", "shop.example.com"));
        SniParser p = new SniParser(4096);
        int r = p.parse(hello, hello.length);
        assertEquals("shop.example.com", name(p, r));
        everyCut(hello, "shop.example.com");
        byte[] anonymous = firstFlight(List.of("openssl", "s_client", "-connect", "127.0.0.1:PORT", "-noservername"));
        assertEquals(SniParser.NONE, p.parse(anonymous, anonymous.length), "a ClientHello without server_name");
    }

    @Test
    void curlsClientHelloNamesItsServer() throws Exception {
        assumeTrue(have("curl"), "curl is not installed");
        byte[] hello = firstFlight(List.of("curl", "-sk", "--max-time", "3", "--resolve", "api.example.net:PORT:127.0.0.1",
                "https://api.example.net:PORT/"));
        SniParser p = new SniParser(4096);
        assertEquals("api.example.net", name(p, p.parse(hello, hello.length)));
        everyCut(hello, "api.example.net");
    }

    @Test
    void aHelloSplitAcrossTlsRecordsIsJoined() throws Exception {
        assumeTrue(have("openssl"), "openssl is not installed");
        byte[] hello = firstFlight(List.of("openssl", "s_client", "-connect", "127.0.0.1:PORT", "-servername", "split.example.org"));
        int body = hello.length - 5;
        int first = body / 3;
        // the same handshake bytes in two records: a client (or middlebox) may fragment it so
        byte[] two = new byte[hello.length + 5];
        System.arraycopy(hello, 0, two, 0, 5 + first);
        two[3] = (byte) (first >> 8);
        two[4] = (byte) first;
        int second = body - first;
        two[5 + first] = 22;
        two[6 + first] = 3;
        two[7 + first] = 1;
        two[8 + first] = (byte) (second >> 8);
        two[9 + first] = (byte) second;
        System.arraycopy(hello, 5 + first, two, 10 + first, second);
        everyCut(two, "split.example.org");
    }

    @Test
    void notTlsAndDamagedInputNeverThrow() throws Exception {
        SniParser p = new SniParser(4096);
        byte[] http = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(SniParser.NOT_TLS, p.parse(http, http.length));
        assertEquals(SniParser.NEED_MORE, p.parse(new byte[] {22, 3}, 2));
        assertEquals(SniParser.NOT_TLS, p.parse(new byte[] {23, 3, 3, 0, 5, 1, 2, 3, 4, 5}, 10), "application data first");
        byte[] hello = have("openssl") ? firstFlight(List.of("openssl", "s_client", "-connect", "127.0.0.1:PORT", "-servername",
                "fuzz.example.com")) : new byte[] {22, 3, 1, 0, 4, 1, 0, 0, 0};
        SplittableRandom r = new SplittableRandom(15);
        for (int k = 0; k < 20_000; k++) {
            byte[] damaged = hello.clone();
            int flips = 1 + r.nextInt(8);
            for (int f = 0; f < flips; f++) {
                damaged[r.nextInt(damaged.length)] = (byte) r.nextInt(256);
            }
            int result = p.parse(damaged, r.nextInt(damaged.length + 1));
            assertTrue(result >= SniParser.NOT_TLS && result <= 255, "result " + result);
        }
        for (int k = 0; k < 20_000; k++) { // an encrypted-ClientHello-like record: a valid header, random contents
            byte[] garbage = new byte[5 + r.nextInt(2000)];
            r.nextBytes(garbage);
            garbage[0] = 22;
            garbage[1] = 3;
            garbage[3] = (byte) ((garbage.length - 5) >> 8);
            garbage[4] = (byte) (garbage.length - 5);
            int result = p.parse(garbage, garbage.length);
            assertTrue(result >= SniParser.NOT_TLS && result <= 255, "result " + result);
        }
    }

    @Test
    void parsingAllocatesNothing() throws IOException {
        byte[] hello = {22, 3, 1, 0, 60, 1, 0, 0, 56, 3, 3};
        byte[] full = Arrays.copyOf(hello, 65);
        // session id 0, suites 2 bytes, compression 1, extensions with server_name "a.b"
        int p = 11 + 32;
        full[p++] = 0;
        full[p++] = 0;
        full[p++] = 2;
        full[p++] = 0x13;
        full[p++] = 1;
        full[p++] = 1;
        full[p++] = 0;
        full[p++] = 0;
        full[p++] = 12;
        byte[] ext = {0, 0, 0, 8, 0, 6, 0, 0, 3, 'a', '.', 'b'};
        System.arraycopy(ext, 0, full, p, ext.length);
        SniParser parser = new SniParser(4096);
        assertEquals(3, parser.parse(full, full.length));
        var bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long sink = 0;
        for (int round = 0; round < 3; round++) {
            long before = bean.getThreadAllocatedBytes(id);
            for (int i = 0; i < 200_000; i++) {
                sink += parser.parse(full, full.length);
            }
            if (round == 2) {
                assertEquals(0, bean.getThreadAllocatedBytes(id) - before, "sink " + sink);
            }
        }
    }
}
