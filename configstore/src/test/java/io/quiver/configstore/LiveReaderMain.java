package io.quiver.configstore;

import io.quiver.configstore.journal.Change;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Forked by {@link SecondProcessTest}: opens the store read-only and prints what it sees, live. Prints
 * {@code READY mtu=<n>}, then {@code SEEN mtu=<n>} each time the MTU of the VNIC changes, and {@code CHANGE <seq>
 * <vnic> <mtu>} for each change the feed delivers; when the feed delivers mtu {@code stopAt}, prints
 * {@code FINAL mtu=<n>} as the map shows it and exits.
 */
public final class LiveReaderMain {
    private LiveReaderMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String vnic = args[1];
        int stopAt = Integer.parseInt(args[2]);
        try (ConfigStoreReader reader = ConfigStoreReader.open(dir)) {
            int mtu = reader.vnic(vnic).orElseThrow().mtu();
            long cursor = reader.lastSequence();
            System.out.println("READY mtu=" + mtu + " cursor=" + cursor);
            System.out.flush();
            long deadline = System.nanoTime() + 60_000_000_000L;
            boolean stop = false;
            while (!stop && System.nanoTime() < deadline) {
                int now = reader.vnic(vnic).orElseThrow().mtu();
                if (now != mtu) {
                    mtu = now;
                    System.out.println("SEEN mtu=" + mtu);
                }
                List<Change> got = new ArrayList<>();
                cursor = reader.changes().poll(cursor, 100, got::add);
                for (Change c : got) {
                    System.out.println("CHANGE " + c.sequence() + " " + c.vnic() + " " + c.vnicAfter().mtu());
                    stop |= c.vnicAfter().mtu() == stopAt;
                }
                System.out.flush();
                Thread.sleep(2);
            }
            // The journal record is written before the map entry: the feed may lead the map by a moment.
            long until = System.nanoTime() + 5_000_000_000L;
            while (reader.vnic(vnic).orElseThrow().mtu() != stopAt && System.nanoTime() < until) {
                Thread.sleep(1);
            }
            System.out.println("FINAL mtu=" + reader.vnic(vnic).orElseThrow().mtu());
            System.out.println(stop ? "DONE" : "TIMEOUT");
        }
    }
}
