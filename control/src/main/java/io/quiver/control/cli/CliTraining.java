package io.quiver.control.cli;

import java.net.ServerSocket;

/**
 * The training run bin/lib/cli.sh records the CLI's AOT cache from: what a client verb loads, without a daemon. It
 * parses and prints help, builds the completion model, and calls a port where nothing listens, which takes the HTTP
 * client and the JSON mapper through their start-up.
 */
public final class CliTraining {
    private CliTraining() {
    }

    public static void main(String[] args) throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String api = "http://127.0.0.1:" + closed;
        QuiverCli.execute("--help");
        QuiverCli.execute("show-vnic", "--help");
        QuiverCli.execute("show-vnic", "--api", api);
        QuiverCli.execute("show-port", "--json", "--api", api);
        QuiverCli.execute("set-vnicprop", "x", "mtu=1500", "--api", api);
        QuiverCli.execute("capture", "x", "-w", "-", "--api", api);
        new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"name\": \"x\", \"counters\": {\"rxPackets\": 1, \"drops\": {}}, \"ipv4\": [\"10.0.0.1/24\"]}");
    }
}
