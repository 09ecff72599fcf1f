package io.quiver.control.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The fabric's verb (docs/fabric.md): this appliance's end, the directory, the peers and the remote VNICs. */
public class FabricCommands extends AggregationCommands {
    @Command(name = "show-fabric", mixinStandardHelpOptions = true,
            description = "Show the fabric: this appliance, the directory (etcd or static), peers and their media, remote VNICs.")
    int showFabric(@Mixin Connection c, @Mixin Output o) throws InterruptedException {
        return show(c, o, () -> c.client().get("/v1/fabric"), j -> {
            JsonNode s = j.get("status");
            StringBuilder b = new StringBuilder();
            b.append("appliance ").append(s.get("appliance").asText())
                    .append(s.get("vtep").asText().isEmpty() ? ", no VTEP" : ", VTEP " + s.get("vtep").asText() + " udp/" + s.get("vxlanPort").asText())
                    .append(", VNI = ").append(s.get("vniBase").asText()).append(" + VLAN\n");
            b.append("directory ").append(s.get("directory").asText()).append(": ")
                    .append(s.get("reachable").asBoolean() ? "reachable" : "UNREACHABLE (" + s.get("lastError").asText()
                            + "): forwarding on the last directory, changes refused")
                    .append(", revision ").append(s.get("revision").asText()).append(", ").append(s.get("resyncs").asText())
                    .append(" full read(s), ").append(s.get("watchEvents").asText()).append(" watch event(s)\n");
            s.get("unpublished").fields().forEachRemaining(e ->
                    b.append("NOT PUBLISHED: VNIC ").append(e.getKey()).append(": ").append(e.getValue().asText()).append('\n'));
            List<List<String>> peers = new ArrayList<>();
            for (JsonNode p : j.get("peers")) {
                peers.add(List.of(p.get("appliance").asText() + (p.get("fromFile").asBoolean() ? " (file)" : ""), p.get("medium").asText(),
                        p.get("vtep").asText().isEmpty() ? "-" : p.get("vtep").asText(), p.get("remoteVnics").asText(),
                        p.get("rxPackets").asText(), p.get("txPackets").asText(), drops(p.get("drops"))));
            }
            b.append('\n').append(table(List.of("PEER", "MEDIUM", "VTEP", "VNICS", "RX", "TX", "DROPS"), peers));
            List<List<String>> remotes = new ArrayList<>();
            for (JsonNode v : j.get("remoteVnics")) {
                List<String> ips = new ArrayList<>();
                v.get("ipv4").forEach(i -> ips.add(i.asText()));
                remotes.add(List.of(v.get("name").asText(), v.get("appliance").asText(), v.get("mac").asText(),
                        ips.isEmpty() ? "-" : String.join(",", ips), v.get("vlan").asInt() == 0 ? "-" : v.get("vlan").asText(),
                        v.get("path").asText()));
            }
            b.append('\n').append(table(List.of("REMOTE VNIC", "APPLIANCE", "MAC", "ADDRESSES", "VLAN", "PATH"), remotes));
            for (JsonNode r : j.get("refused")) {
                b.append("REFUSED: VNIC ").append(r.get("name").asText()).append(" of ").append(r.get("appliance").asText())
                        .append(": ").append(r.get("reason").asText()).append('\n');
            }
            return b.toString().stripTrailing();
        });
    }
}
