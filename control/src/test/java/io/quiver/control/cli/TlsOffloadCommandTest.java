package io.quiver.control.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tls-offload command, standalone, on the RFC 8448 §3 handshake (values copied from the RFC). */
class TlsOffloadCommandTest {
    static final String CLIENT_PRIVATE = "49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005";
    static final String CLIENT_HELLO = "010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7"
            + "000006130113031302010000910000000b0009000006736572766572ff01000100000a00140012001d00170018001901000101"
            + "01020103010400230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c"
            + "002b0003020304000d0020001e040305030603020308040805080604010501060102010402050206020202002d00020101001c"
            + "00024001";
    static final String SERVER_HELLO = "020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800"
            + "130100002e00330024001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304";
    static final String HELLO_HASH = "860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8";
    static final String SERVER_PUBLIC = "c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f";
    static final String SERVER_FINISHED_HASH = "9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13";
    static final String CLIENT_FINISHED = "14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61";
    static final String CLIENT_HANDSHAKE_TRAFFIC = "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21";
    static final String CLIENT_FINISHED_RECORD = "170303003575ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc44d87f"
            + "38f80338ac98fc46deb384bd1caeacab6867d726c40546";

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new TlsOffloadCommand());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    @DisplayName("transcript hashes in, the RFC's client Finished out, the RFC's secret in the key log")
    void fromTranscriptHashes(@TempDir Path tmp) throws Exception {
        Path keyLog = tmp.resolve("keys.log");
        Run run = run("--role", "client", "--suite", "TLS_AES_128_GCM_SHA256", "--group", "x25519",
                "--private-key", CLIENT_PRIVATE, "--peer-key-share", SERVER_PUBLIC,
                "--client-random", CLIENT_HELLO.substring(12, 76),
                "--transcript-hash", "SERVER_HELLO=" + HELLO_HASH,
                "--transcript-hash", "SERVER_FINISHED=" + SERVER_FINISHED_HASH,
                "--transcript-hash", "CLIENT_FINISHED_CONTEXT=" + SERVER_FINISHED_HASH,
                "--keylog", keyLog.toString(), "--json");
        assertEquals(0, run.exit(), run.out() + run.err());
        JsonNode result = new ObjectMapper().readTree(run.out());
        assertTrue(result.get("ok").asBoolean());
        JsonNode steps = result.get("steps");
        assertEquals(4, steps.size());
        assertEquals("HANDSHAKE_KEYS", steps.get(1).get("progress").asText());
        assertTrue(steps.get(1).get("handles").has("CLIENT_HANDSHAKE_TRAFFIC"));
        assertEquals(CLIENT_FINISHED, steps.get(3).get("output").asText());
        assertFalse(run.out().contains(CLIENT_HANDSHAKE_TRAFFIC), "no secret on the console");
        assertTrue(Files.readString(keyLog).contains("CLIENT_HANDSHAKE_TRAFFIC_SECRET " + CLIENT_HELLO.substring(12, 76)
                + " " + CLIENT_HANDSHAKE_TRAFFIC));
    }

    @Test
    @DisplayName("messages in, then a record opened with the offloaded key, as text")
    void fromMessagesWithRecord() {
        Run run = run("--role", "server", "--suite", "0x1301", "--group", "x25519",
                "--private-key", "b1580eeadf6dd589b8ef4f2d5652578cc810e9980191ec8d058308cea216a21e",
                "--messages", CLIENT_HELLO, "--messages", SERVER_HELLO,
                "--open-record", "CLIENT_HANDSHAKE_TRAFFIC=" + CLIENT_FINISHED_RECORD, "--backend", "jdk");
        assertEquals(0, run.exit(), run.out() + run.err());
        assertTrue(run.out().contains("OPEN_RECORD        OK"), run.out());
        assertTrue(run.out().contains("output (content type 22) " + CLIENT_FINISHED), run.out());
        assertTrue(run.out().endsWith("ok" + System.lineSeparator()), run.out());
    }

    @Test
    @DisplayName("a refused input: exit 1, the reason and the alert to send")
    void refused() throws Exception {
        Run run = run("--role", "client", "--suite", "0x1304", "--group", "x25519", "--private-key", CLIENT_PRIVATE,
                "--json");
        assertEquals(1, run.exit());
        JsonNode step = new ObjectMapper().readTree(run.out()).get("steps").get(0);
        assertEquals("FAILED", step.get("status").asText());
        assertEquals("UNKNOWN_CIPHER_SUITE", step.get("reason").asText());
        assertEquals("handshake_failure", step.get("alert").asText());

        Run lowOrder = run("--role", "client", "--suite", "TLS_AES_128_GCM_SHA256", "--group", "x25519",
                "--private-key", CLIENT_PRIVATE, "--peer-key-share", "00".repeat(32),
                "--transcript-hash", "SERVER_HELLO=" + HELLO_HASH);
        assertEquals(1, lowOrder.exit());
        assertTrue(lowOrder.out().contains("LOW_ORDER_POINT (send alert illegal_parameter)"), lowOrder.out());
    }

    @Test
    @DisplayName("bad usage: exit 2 with a message")
    void usage() {
        Run run = run("--role", "client", "--suite", "TLS_NULL", "--group", "x25519");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("unknown name TLS_NULL"), run.err());
        assertEquals(2, run("--role", "client", "--suite", "0x1301", "--private-key", "zz", "--group", "x25519").exit());
    }
}
