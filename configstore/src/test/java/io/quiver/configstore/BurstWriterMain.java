package io.quiver.configstore;

import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.policy.GuestPolicy;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Forked by {@link CrashRecoveryTest}: opens the store for writing and commits a never-ending burst of mixed
 * requests on VNICs v0..v3, printing {@code ACK <seq> <action> <vnic> <parameter> <value> <committed>} after each
 * call has returned (an acknowledged request). The test kills it with SIGKILL somewhere in the middle.
 */
public final class BurstWriterMain {
    static final int VNICS = 4;
    static final GuestPolicy POLICY = GuestPolicy.parse("tcp-send-buffer=any; priority=0..7; mtu=68..1500");

    private BurstWriterMain() {
    }

    static VnicConfig base(int v) {
        return VnicConfig.create("v" + v, String.format("02:00:00:00:00:%02x", v + 1));
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int segmentRecords = Integer.parseInt(args[1]);
        long seed = Long.parseLong(args[2]);
        // journal files kept: by default more than a burst makes, so every acknowledged request stays in the audit log
        int kept = args.length > 3 ? Integer.parseInt(args[3]) : 1_000_000;
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
        try (ConfigStore store = ConfigStore.open(dir, StoreOptions.defaults()
                .withJournalSegmentRecords(segmentRecords).withCheckpointInterval(7).withJournalFilesKept(kept))) {
            RecoveryReport report = store.recoveryReport();
            out.println("READY " + store.lastSequence() + " " + report.recovered() + " " + report.replayedRecords());
            out.flush();
            java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
            Requester admin = Requester.admin("burst");
            for (long i = 0; ; i++) {
                int v = random.nextInt(VNICS);
                String vnic = "v" + v;
                Requester guest = Requester.guest(vnic);
                int op = random.nextInt(10);
                String buffer = Long.toString(4096 + (i % 60_000_000L));
                ChangeResult r;
                String action;
                String parameter = "-";
                String value = "-";
                switch (op) {
                    case 0, 1, 2 -> {
                        action = "guest";
                        parameter = "tcp-send-buffer";
                        value = buffer;
                        r = store.requestChange(guest, vnic, parameter, value);
                    }
                    case 3, 4 -> {
                        action = "admin";
                        parameter = "tcp-receive-buffer";
                        value = buffer;
                        r = store.adminChange(admin, vnic, parameter, value);
                    }
                    case 5 -> {
                        action = "guest";
                        parameter = "mtu";
                        value = "9000"; // outside the policy: denied and audited
                        r = store.requestChange(guest, vnic, parameter, value);
                    }
                    case 6 -> {
                        action = "guest";
                        parameter = "priority";
                        value = Integer.toString(random.nextInt(8));
                        r = store.requestChange(guest, vnic, parameter, value);
                    }
                    case 7 -> {
                        action = "put";
                        r = store.putVnic(admin, base(v).with("tcp-send-buffer", buffer).with("tcp-receive-buffer", buffer));
                    }
                    case 8 -> {
                        action = "policy";
                        r = store.setPolicy(admin, vnic, POLICY);
                    }
                    default -> {
                        action = "guest";
                        parameter = "mac"; // not permitted
                        value = "02:00:00:00:00:99";
                        r = store.requestChange(guest, vnic, parameter, value);
                    }
                }
                out.println("ACK " + r.sequence() + " " + action + " " + vnic + " " + parameter + " " + value + " "
                        + r.committed());
                out.flush();
            }
        }
    }
}
