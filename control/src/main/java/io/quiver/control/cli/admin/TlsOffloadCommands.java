package io.quiver.control.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The TLS offload service's verb (docs/tls-offload.md): the engine, its clients, what it refused. */
public class TlsOffloadCommands extends FabricCommands {
    @Command(name = "show-tls-offload", mixinStandardHelpOptions = true,
            description = "Show the TLS handshake offload service: sessions, handshakes/s, clients, failures by reason, ring-full counts.")
    int showTlsOffload(@Mixin Connection c, @Mixin Output o) throws InterruptedException {
        return show(c, o, () -> c.client().get("/v1/tls-offload"), j -> {
            StringBuilder b = new StringBuilder();
            b.append("socket ").append(j.get("socket").asText()).append(", guests ")
                    .append(j.get("guests").asBoolean() ? "on (169.254.169.254 udp/6862)" : "off")
                    .append(", backend ").append(j.get("backend").asText()).append(", ring of ")
                    .append(j.get("ringSize").asText()).append(" slots\n");
            b.append(j.get("sessions").asText()).append(" session(s), ").append(j.get("secrets").asText())
                    .append(" secret(s); ").append(j.get("handshakes").asText()).append(" handshake(s), ")
                    .append(j.get("handshakesPerSecond").asText()).append("/s now; ").append(j.get("requests").asText())
                    .append(" request(s); ring full ").append(j.get("ringFull").asText()).append(", foreign handles ")
                    .append(j.get("foreignHandles").asText()).append(", unanswerable frames ")
                    .append(j.get("unanswerable").asText()).append(", guest datagrams lost ")
                    .append(j.get("guestQueueOverflows").asLong() + j.get("guestRepliesLost").asLong()).append('\n');
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode client : j.get("clients")) {
                rows.add(List.of(client.get("id").asText(), client.get("kind").asText(), client.get("name").asText(),
                        client.get("sessions").asText(), client.get("pending").asText(), client.get("requests").asText(),
                        client.get("handshakes").asText(), drops(client.get("refusals"))));
            }
            b.append('\n').append(table(List.of("CLIENT", "KIND", "NAME", "SESSIONS", "PENDING", "REQUESTS", "HANDSHAKES",
                    "FAILURES"), rows));
            List<List<String>> failures = new ArrayList<>();
            j.get("failures").fields().forEachRemaining(e -> failures.add(List.of(e.getKey(), e.getValue().asText())));
            if (!failures.isEmpty()) {
                b.append('\n').append(table(List.of("FAILURE", "COUNT"), failures));
            }
            return b.toString().stripTrailing();
        });
    }
}
