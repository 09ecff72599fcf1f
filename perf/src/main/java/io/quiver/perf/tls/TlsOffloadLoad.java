package io.quiver.perf.tls;

import io.quiver.dataplane.guest.GuestServiceAddress;
import io.quiver.dataplane.offload.tls.CryptoBackends;
import io.quiver.dataplane.offload.tls.OffloadReply;
import io.quiver.dataplane.offload.tls.TlsRole;
import io.quiver.dataplane.offload.tls.host.HandshakeOffloadClient;
import io.quiver.dataplane.offload.tls.host.StartParameters;
import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import io.quiver.dataplane.offload.tls.wire.DatagramOffloadChannel;
import io.quiver.dataplane.offload.tls.wire.FramedOffloadChannel;
import io.quiver.dataplane.offload.tls.wire.SocketOffloadChannel;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client process of {@code bench tls --via}: offloaded client handshakes, pipelined, through the daemon's socket
 * ({@code socket PATH}) or, run inside a guest's namespace, through its VNIC ({@code vnic}). Each handshake is the
 * in-process benchmark's (START with ClientHello+ServerHello, the server flight, FINISHED, CLOSE), its four requests
 * sent back to back; a window of handshakes is kept in flight. Prints {@code RESULT {json}} per measured window.
 *
 * <p>Arguments: {@code socket PATH | vnic}, group, warm-up seconds, seconds per window, windows.
 */
public final class TlsOffloadLoad {
    private TlsOffloadLoad() {
    }

    public static void main(String[] args) throws Exception {
        org.slf4j.Logger root = org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(ch.qos.logback.classic.Level.WARN);
        }
        int a = 0;
        String via = args[a++];
        FramedOffloadChannel channel = via.equals("socket") ? SocketOffloadChannel.connect(Path.of(args[a++]))
                : DatagramOffloadChannel.connect(new InetSocketAddress(GuestServiceAddress.ADDRESS,
                        GuestServiceAddress.TLS_OFFLOAD_PORT));
        NamedGroup group = NamedGroup.valueOf(args[a++]);
        int warmup = Integer.parseInt(args[a++]);
        int seconds = Integer.parseInt(args[a++]);
        int windows = Integer.parseInt(args[a]);
        TlsHandshakeBenchmark.Handshakes pool = new TlsHandshakeBenchmark.Handshakes(group,
                CipherSuite.TLS_AES_128_GCM_SHA256, CryptoBackends.Choice.AUTO);
        try (channel) {
            HandshakeOffloadClient client = new HandshakeOffloadClient(channel);
            // a handshake holds up to five requests in flight (the flight may be split in two through a VNIC)
            int window = Math.max(1, channel.hello().maxPending() / 5);
            Load load = new Load(client, pool, window);
            load.run(warmup);
            for (int w = 0; w < windows; w++) {
                long[] r = load.run(seconds);
                System.out.printf(Locale.ROOT, "RESULT {\"handshakesPerSecond\": %.1f, \"handshakes\": %d, \"failures\": %d,"
                        + " \"lost\": %d, \"window\": %d}%n", r[0] / (r[2] / 1e9), r[0], r[1], r[3], window);
            }
        }
    }

    /** Keeps {@code window} handshakes in flight through {@code client}. */
    private static final class Load {
        private final HandshakeOffloadClient client;
        private final TlsHandshakeBenchmark.Handshakes pool;
        private final int window;
        private final AtomicLong nextConnection = new AtomicLong(1);
        private final AtomicReference<String> firstFailure = new AtomicReference<>();

        Load(HandshakeOffloadClient client, TlsHandshakeBenchmark.Handshakes pool, int window) {
            this.client = client;
            this.pool = pool;
            this.window = window;
        }

        /** Handshakes completed, failures, and nanoseconds, over {@code seconds}. */
        long[] run(int seconds) throws InterruptedException {
            Semaphore slots = new Semaphore(window);
            AtomicLong done = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicLong lost = new AtomicLong();
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                long id = nextConnection.getAndIncrement();
                int i = (int) (id & (pool.clientPrivate.length - 1));
                StartParameters start1 = StartParameters.of(id, TlsRole.CLIENT, pool.suite)
                        .ephemeral(pool.group, pool.clientPrivate[i]).localKeyShare(pool.clientShare[i])
                        .handshakeMessages(pool.hellos[i]);
                CompletableFuture<OffloadReply> hello = client.start(start1);
                CompletableFuture<OffloadReply> flight = client.handshakeMessages(id, pool.serverFlight[i]);
                CompletableFuture<OffloadReply> finished = client.finished(id);
                CompletableFuture<OffloadReply> close = client.close(id);
                CompletableFuture.allOf(hello, flight, finished, close).whenComplete((v, e) -> {
                    if (e == null && hello.join().ok() && flight.join().ok() && finished.join().ok() && close.join().ok()) {
                        done.incrementAndGet();
                    } else if (e != null && e.getCause() instanceof java.util.concurrent.TimeoutException) {
                        lost.incrementAndGet(); // a datagram lost on the way (VNIC): counted, not an offload failure
                    } else {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, e != null ? e.toString() : hello.join() + " / " + flight.join()
                                + " / " + finished.join() + " / " + close.join());
                    }
                    slots.release();
                });
            }
            slots.acquire(window); // the last ones in flight finish inside the window's time
            long elapsed = System.nanoTime() - start;
            if (failed.get() > 0) {
                System.out.println("first failure: " + firstFailure.get());
            }
            return new long[] {done.get(), failed.get(), elapsed, lost.get()};
        }
    }
}
