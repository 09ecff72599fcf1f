package io.quiver.dataplane.offload.tls.ring;

import io.quiver.dataplane.offload.tls.CryptoBackends;
import io.quiver.dataplane.offload.tls.record.Tls13RecordProtection;
import java.nio.file.Path;

/**
 * Every setting of the TLS handshake offload, with its default in one place.
 *
 * @param ringSize           request slots in the ring (a power of two)
 * @param slotCapacity       payload bytes of a slot: one whole TLS record fits; longer handshake flights are split
 * @param maxConnections     sessions the engine holds at once
 * @param maxSecrets         secrets (handles) the engine holds at once
 * @param maxHandshakeMessageLength the largest handshake message accepted (a certificate chain)
 * @param backend            which crypto backend; AUTO picks by availability and measurement
 * @param waitStrategy       how the worker waits for requests
 * @param keyLogFile         the debug NSS key log, or null (the default: no key log)
 */
public record OffloadConfiguration(int ringSize, int slotCapacity, int maxConnections, int maxSecrets,
                                   int maxHandshakeMessageLength, CryptoBackends.Choice backend,
                                   WaitStrategyChoice waitStrategy, Path keyLogFile) {
    public static final int DEFAULT_RING_SIZE = 256;
    public static final int DEFAULT_SLOT_CAPACITY = Tls13RecordProtection.HEADER_LENGTH + Tls13RecordProtection.MAX_CIPHERTEXT;
    public static final int DEFAULT_MAX_CONNECTIONS = 4096;
    public static final int DEFAULT_MAX_SECRETS = 8 * DEFAULT_MAX_CONNECTIONS;
    public static final int DEFAULT_MAX_HANDSHAKE_MESSAGE = 64 * 1024;

    /** How the offload worker waits when the ring is empty. */
    public enum WaitStrategyChoice {
        /**
         * Spin 10 us, yield 50 us, then block until a request is published: no CPU when idle, no park-and-poll; the
         * default on a shared machine (SLEEPING's 100 ns naps kept half a core busy on an idle appliance, measured).
         */
        BACKOFF,
        /** Spin, yield, then park 100 ns at a time: low latency, but an idle worker wakes constantly. */
        SLEEPING,
        /** Spin then yield: lower latency, a core kept busy. */
        YIELDING,
        /** Spin only: lowest latency, for a dedicated lcore. */
        BUSY_SPIN
    }

    public OffloadConfiguration {
        if (Integer.bitCount(ringSize) != 1) {
            throw new IllegalArgumentException("ring size must be a power of two: " + ringSize);
        }
        if (slotCapacity < DEFAULT_SLOT_CAPACITY) {
            throw new IllegalArgumentException("a slot must hold one whole TLS record: " + slotCapacity);
        }
    }

    public static OffloadConfiguration defaults() {
        return new OffloadConfiguration(DEFAULT_RING_SIZE, DEFAULT_SLOT_CAPACITY, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_SECRETS, DEFAULT_MAX_HANDSHAKE_MESSAGE, CryptoBackends.Choice.AUTO,
                WaitStrategyChoice.BACKOFF, null);
    }

    public OffloadConfiguration withRingSize(int size) {
        return new OffloadConfiguration(size, slotCapacity, maxConnections, maxSecrets, maxHandshakeMessageLength,
                backend, waitStrategy, keyLogFile);
    }

    /** The most sessions at once, with room for eight secrets each. */
    public OffloadConfiguration withMaxConnections(int connections) {
        if (connections < 1) {
            throw new IllegalArgumentException("the engine needs room for at least one connection: " + connections);
        }
        return new OffloadConfiguration(ringSize, slotCapacity, connections, 8 * connections, maxHandshakeMessageLength,
                backend, waitStrategy, keyLogFile);
    }

    public OffloadConfiguration withBackend(CryptoBackends.Choice choice) {
        return new OffloadConfiguration(ringSize, slotCapacity, maxConnections, maxSecrets, maxHandshakeMessageLength,
                choice, waitStrategy, keyLogFile);
    }

    public OffloadConfiguration withWaitStrategy(WaitStrategyChoice choice) {
        return new OffloadConfiguration(ringSize, slotCapacity, maxConnections, maxSecrets, maxHandshakeMessageLength,
                backend, choice, keyLogFile);
    }

    /** Turns the debug key log on (a path) or off (null). */
    public OffloadConfiguration withKeyLogFile(Path path) {
        return new OffloadConfiguration(ringSize, slotCapacity, maxConnections, maxSecrets, maxHandshakeMessageLength,
                backend, waitStrategy, path);
    }
}
