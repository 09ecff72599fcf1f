package io.quiver.dataplane.offload.tls.ring;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.PhasedBackoffWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import java.util.concurrent.TimeUnit;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import io.quiver.dataplane.offload.tls.CryptoBackends;
import io.quiver.dataplane.offload.tls.HandshakeOffloadEngine;
import io.quiver.dataplane.offload.tls.OffloadReply;
import io.quiver.dataplane.offload.tls.OffloadRequest;
import io.quiver.dataplane.offload.tls.crypto.TlsCryptoBackend;
import io.quiver.dataplane.offload.tls.host.HandshakeOffloadClient;
import io.quiver.dataplane.offload.tls.keylog.NssKeyLog;
import io.quiver.dataplane.offload.tls.keylog.NssKeyLogFile;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS handshake offload stage of the appliance: a ring of pre-allocated request slots (LMAX Disruptor, multiple
 * host producers) consumed by one plain worker thread that owns the {@link HandshakeOffloadEngine}. Hosts talk to it
 * through {@link #client()}.
 */
public final class HandshakeOffloadService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeOffloadService.class);
    static final String THREAD_NAME = "quiver-tls-offload";

    private final OffloadConfiguration configuration;
    private final RingBuffer<OffloadRequest> ring;
    private final BatchEventProcessor<OffloadRequest> processor;
    private final OffloadWorker worker;
    private final HandshakeOffloadEngine engine;
    private final Thread thread;
    private final RingChannel channel;
    private final HandshakeOffloadClient client;
    private volatile boolean running = true;

    private HandshakeOffloadService(OffloadConfiguration configuration, HandshakeOffloadEngine engine) {
        this.configuration = configuration;
        this.engine = engine;
        int capacity = configuration.slotCapacity();
        this.ring = RingBuffer.createMultiProducer(() -> new OffloadRequest(capacity), configuration.ringSize(),
                waitStrategy(configuration.waitStrategy()));
        this.worker = new OffloadWorker(engine);
        this.processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), worker);
        ring.addGatingSequences(processor.getSequence());
        this.thread = new Thread(processor, THREAD_NAME);
        thread.setDaemon(true);
        this.channel = new RingChannel(ring, capacity, () -> running);
        this.client = new HandshakeOffloadClient(channel);
    }

    /** Builds the engine on the configured backend and starts the worker thread. */
    public static HandshakeOffloadService start(OffloadConfiguration configuration) throws IOException {
        NssKeyLog keyLog = configuration.keyLogFile() == null ? NssKeyLog.DISABLED
                : NssKeyLogFile.open(configuration.keyLogFile());
        TlsCryptoBackend backend = CryptoBackends.create(configuration.backend());
        HandshakeOffloadEngine engine = new HandshakeOffloadEngine(backend, keyLog, configuration.maxConnections(),
                configuration.maxSecrets(), configuration.maxHandshakeMessageLength());
        return start(configuration, engine);
    }

    /** Starts the worker thread on an engine built by the caller; the service owns it from now on. */
    public static HandshakeOffloadService start(OffloadConfiguration configuration, HandshakeOffloadEngine engine) {
        HandshakeOffloadService service = new HandshakeOffloadService(configuration, engine);
        service.thread.start();
        LOG.info("TLS handshake offload started: ring of {} slots, backend {}", configuration.ringSize(),
                engine.backendName());
        return service;
    }

    private static WaitStrategy waitStrategy(OffloadConfiguration.WaitStrategyChoice choice) {
        return switch (choice) {
            case BACKOFF -> PhasedBackoffWaitStrategy.withLock(10, 50, TimeUnit.MICROSECONDS);
            case SLEEPING -> new SleepingWaitStrategy();
            case YIELDING -> new YieldingWaitStrategy();
            case BUSY_SPIN -> new BusySpinWaitStrategy();
        };
    }

    /** The host side: submits requests, returns futures of replies. Thread-safe. */
    public HandshakeOffloadClient client() {
        return client;
    }

    /** The ring itself, for the service's front ends (socket, VNICs), which tag each request with its client. */
    public RingChannel channel() {
        return channel;
    }

    /** The engine, for counters read by the control side (its plain fields); never call it from another thread. */
    public HandshakeOffloadEngine engine() {
        return engine;
    }

    /** Requests processed by the worker so far. */
    public long processed() {
        return worker.processed();
    }

    /**
     * Bytes the worker thread allocated so far (the engine's own garbage per handshake, what the benchmark reports);
     * -1 where the JVM does not measure it.
     */
    public long workerAllocatedBytes() {
        if (java.lang.management.ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled()) {
            return t.getThreadAllocatedBytes(thread.threadId());
        }
        return -1;
    }

    public OffloadConfiguration configuration() {
        return configuration;
    }

    public String backendName() {
        return engine.backendName();
    }

    public boolean isRunning() {
        return running;
    }

    /**
     * Stops the worker, answers every request still in the ring with {@link FailureReason#ENGINE_STOPPED}, then
     * erases every secret of the engine.
     */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        processor.halt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long from = processor.getSequence().get() + 1;
        long to = ring.getCursor();
        for (long sequence = from; sequence <= to; sequence++) {
            OffloadRequest slot = ring.get(sequence);
            CompletableFuture<OffloadReply> completion = slot.completion();
            OffloadReply stopped = OffloadReply.failed(slot.connectionId(), slot.operation(),
                    FailureReason.ENGINE_STOPPED, null);
            if (completion != null) {
                completion.complete(stopped);
            } else if (slot.handler() != null) {
                slot.handler().replied(stopped, slot.tag());
            }
            slot.reset();
        }
        if (!thread.isAlive()) {
            engine.close();
        }
        LOG.info("TLS handshake offload stopped after {} requests", worker.processed());
    }
}
