package io.quiver.dataplane.offload.tls.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * OpenSSL's {@code s_server} from the Debian package, as a real TLS 1.3 peer: a throwaway self-signed certificate,
 * a free port on 127.0.0.1 only, its key log in a temporary folder, one connection, reverse-echo mode. Closing it
 * kills the process whatever state it is in.
 */
public final class OpenSslServer implements AutoCloseable {
    private final Process process;
    private final Path keyLog;
    private final int port;
    private final List<String> output = new ArrayList<>();

    private OpenSslServer(Process process, Path keyLog, int port) {
        this.process = process;
        this.keyLog = keyLog;
        this.port = port;
    }

    /** Why the interop test cannot run here, or null when it can. */
    public static String unavailableReason() {
        try {
            Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (!id.waitFor(5, TimeUnit.SECONDS) || !uid.equals("0")) {
                return "not running as root (uid " + uid + "): the interop test runs as root in CI";
            }
        } catch (IOException | InterruptedException e) {
            return "cannot tell the user id: " + e;
        }
        try {
            Process version = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (!version.waitFor(5, TimeUnit.SECONDS) || version.exitValue() != 0 || !text.startsWith("OpenSSL 3")) {
                return "openssl 3 is not installed (apt-get install -y openssl): " + text;
            }
        } catch (IOException | InterruptedException e) {
            return "openssl is not installed (apt-get install -y openssl): " + e.getMessage();
        }
        return null;
    }

    /** Generates a certificate in {@code dir} and starts s_server accepting one connection with this suite. */
    public static OpenSslServer start(Path dir, String cipherSuite) throws IOException, InterruptedException {
        return start(dir, cipherSuite, 1);
    }

    /** The same, accepting {@code connections} connections one after the other (a resumption needs two). */
    public static OpenSslServer start(Path dir, String cipherSuite, int connections) throws IOException, InterruptedException {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-nodes", "-subj", "/CN=localhost"));
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path keyLog = dir.resolve("s_server.keys");
        Process process = new ProcessBuilder("openssl", "s_server", "-tls1_3", "-accept", "127.0.0.1:" + port,
                "-keylogfile", keyLog.toString(), "-cert", cert.toString(), "-key", key.toString(),
                "-ciphersuites", cipherSuite, "-rev", "-naccept", String.valueOf(connections))
                .redirectErrorStream(true).start();
        OpenSslServer server = new OpenSslServer(process, keyLog, port);
        server.awaitAccepting();
        return server;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(command.get(1) + " failed: " + out);
        }
    }

    private void awaitAccepting() throws IOException, InterruptedException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Thread pump = new Thread(() -> {
            try {
                for (String line; (line = reader.readLine()) != null; ) {
                    synchronized (output) {
                        output.add(line);
                        output.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process went away
            }
        }, "s_server-output");
        pump.setDaemon(true);
        pump.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        synchronized (output) {
            while (!output.contains("ACCEPT")) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive()) {
                    close();
                    throw new IOException("s_server did not start: " + output);
                }
                output.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    public int port() {
        return port;
    }

    /** s_server's console so far, for failure messages. */
    public String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    /** The secrets s_server logged for this client random, by label; waits until {@code expected} lines are in. */
    public Map<String, String> keyLog(String clientRandomHex, int expected) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Map<String, String> secrets = new HashMap<>();
        while (System.nanoTime() < deadline) {
            secrets.clear();
            if (Files.exists(keyLog)) {
                for (String line : Files.readAllLines(keyLog)) {
                    String[] parts = line.trim().split("\\s+");
                    if (parts.length == 3 && parts[1].equalsIgnoreCase(clientRandomHex)) {
                        secrets.put(parts[0], parts[2].toLowerCase());
                    }
                }
            }
            if (secrets.size() >= expected) {
                break;
            }
            Thread.sleep(50);
        }
        return secrets;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
