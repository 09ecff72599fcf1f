package io.quiver.configstore;

import io.quiver.configstore.model.Requester;
import java.nio.file.Path;

/**
 * Forked by {@link CrashRecoveryTest}: commits MTU changes to VNIC v0 and halts the JVM (like SIGKILL: no shutdown
 * hooks, nothing closed) at a given point of the commit with a given sequence. Prints {@code ACK <seq> <mtu>} for each
 * commit that returned.
 */
public final class CrashPointMain {
    private CrashPointMain() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        String point = args[1];
        long target = Long.parseLong(args[2]);
        ConfigStore.crashPoints = (p, seq) -> {
            if (p.equals(point) && seq == target) {
                System.out.println("HALT " + seq);
                System.out.flush();
                Runtime.getRuntime().halt(9);
            }
        };
        ConfigStore store = ConfigStore.open(dir);
        for (int mtu = 1000; mtu < 1100; mtu++) {
            long seq = store.adminChange(Requester.admin("crash"), "v0", "mtu", Integer.toString(mtu)).orThrow()
                    .sequence();
            System.out.println("ACK " + seq + " " + mtu);
            System.out.flush();
        }
        System.out.println("NO HALT");
    }
}
