package io.quiver.configstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.configstore.journal.Action;
import io.quiver.configstore.journal.Change;
import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.configstore.policy.GuestPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Administrators and the guest hammer the same VNIC from several threads. No reader ever sees a mixed state, and every
 * commit builds on the complete result of the one before it: nothing is half-applied, nothing is lost.
 */
class ConcurrentChangeTest {
    @TempDir
    Path dir;

    /** Administrators always write the two TCP buffers equal; a mixed state would show them different. */
    private static VnicConfig pair(int k) {
        String size = Integer.toString(4096 * k);
        return VnicConfig.create("vm1", "02:00:00:00:00:01").with("tcp-send-buffer", size)
                .with("tcp-receive-buffer", size);
    }

    @Test
    void adminAndGuestChangesToOneVnicNeverMix() throws Exception {
        int perThread = 400;
        try (ConfigStore store = ConfigStore.open(dir)) {
            Requester admin = Requester.admin("alice");
            Requester guest = Requester.guest("vm1");
            store.putVnic(admin, pair(1)).orThrow();
            store.setPolicy(admin, "vm1", GuestPolicy.parse("priority=0..7; mtu=1000..1500")).orThrow();
            long start = store.lastSequence();

            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int base = 2 + t * perThread;
                writers.add(Thread.ofPlatform().start(() -> {
                    await(go);
                    for (int i = 0; i < perThread; i++) {
                        if (!store.putVnic(admin, pair(base + i)).committed()) {
                            problems.add("admin put denied");
                        }
                    }
                }));
            }
            writers.add(Thread.ofPlatform().start(() -> {
                await(go);
                for (int i = 0; i < perThread; i++) {
                    store.adminChange(admin, "vm1", "mtu", Integer.toString(1000 + i)).orThrow();
                }
            }));
            for (int t = 0; t < 2; t++) {
                int offset = t;
                writers.add(Thread.ofPlatform().start(() -> {
                    await(go);
                    for (int i = 0; i < perThread; i++) {
                        String parameter = (i + offset) % 2 == 0 ? "priority" : "mtu";
                        String value = parameter.equals("priority") ? Integer.toString(i % 8)
                                : Integer.toString(1000 + i % 501);
                        ChangeResult r = store.requestChange(guest, "vm1", parameter, value);
                        if (!r.committed()) {
                            problems.add("guest change denied: " + r.decision());
                        }
                    }
                }));
            }
            java.util.concurrent.atomic.AtomicLong observations = new java.util.concurrent.atomic.AtomicLong();
            Thread watcher = Thread.ofPlatform().start(() -> {
                try (ConfigStoreReader reader = ConfigStoreReader.open(dir)) {
                    long lastRevision = 0;
                    await(go);
                    while (running.get()) {
                        observations.incrementAndGet();
                        VnicConfig seen = store.vnic("vm1").orElseThrow();
                        VnicConfig mapped = reader.vnic("vm1").orElseThrow();
                        for (VnicConfig c : List.of(seen, mapped)) {
                            if (c.tcpSendBuffer() != c.tcpReceiveBuffer()) {
                                problems.add("mixed state: " + c);
                            }
                        }
                        if (seen.revision() < lastRevision) {
                            problems.add("revision went back from " + lastRevision + " to " + seen.revision());
                        }
                        lastRevision = seen.revision();
                    }
                } catch (Throwable t) { // a watcher that died would otherwise pass the test having checked nothing
                    problems.add("watcher failed: " + t);
                }
            });
            go.countDown();
            for (Thread t : writers) {
                t.join();
            }
            running.set(false);
            watcher.join();
            assertEquals(List.of(), List.copyOf(problems));
            assertTrue(observations.get() > 0, "the watcher looked at the state while the writers ran");

            // Every commit is the previous state plus exactly its own change.
            List<Change> changes = store.changes().since(start);
            assertEquals(5 * perThread, changes.size());
            VnicConfig previous = null;
            for (Change c : changes) {
                VnicConfig after = c.vnicAfter();
                assertEquals(c.sequence(), after.revision());
                if (c.action() == Action.VNIC_PUT) {
                    assertEquals(after.tcpSendBuffer(), after.tcpReceiveBuffer());
                } else if (previous != null) {
                    VnicConfig expected = previous.with(VnicParameter.byName(c.parameter()), c.value());
                    assertTrue(expected.sameSettings(after), "commit " + c.sequence() + " did not build on the one "
                            + "before it:\n  before " + previous + "\n  change " + c.parameter() + "=" + c.value()
                            + "\n  after  " + after);
                }
                previous = after;
            }
            assertEquals(previous, store.vnic("vm1").orElseThrow());
            assertEquals(List.of(), store.verify());
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
