package io.quiver.dataplane.offload.tls;

import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.protocol.HashAlgorithm;
import io.quiver.dataplane.offload.tls.protocol.OffloadFailure;
import io.quiver.dataplane.offload.tls.record.Tls13RecordProtection;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The secrets of every offloaded connection, each behind a handle. A handle packs a slot index with the slot's
 * generation, so a handle to a released secret is refused even after its slot holds another one. Confined to the
 * offload worker thread.
 */
final class SecretVault {
    /** One secret, with its traffic key, IV and record protection when it is a traffic secret. */
    static final class Entry {
        /** The offload client (socket connection, VNIC, in-process host) whose connection made the secret. */
        final long client;
        final long connectionId;
        final SecretKind kind;
        final CipherSuite suite;
        final HashAlgorithm hash;
        /** The role of the engine's side of the connection: it writes with its own traffic keys only. */
        final TlsRole owner;
        byte[] secret;
        byte[] key;
        byte[] iv;
        Tls13RecordProtection protection;
        long handle;

        Entry(long client, long connectionId, SecretKind kind, CipherSuite suite, HashAlgorithm hash, TlsRole owner,
              byte[] secret, byte[] key, byte[] iv) {
            this.client = client;
            this.connectionId = connectionId;
            this.kind = kind;
            this.suite = suite;
            this.hash = hash;
            this.owner = owner;
            this.secret = secret;
            this.key = key;
            this.iv = iv;
        }

        void wipe() {
            Tls13KeySchedule.wipe(secret);
            Tls13KeySchedule.wipe(key);
            Tls13KeySchedule.wipe(iv);
            if (protection != null) {
                protection.destroy();
                protection = null;
            }
            secret = null;
            key = null;
            iv = null;
        }
    }

    private final Entry[] entries;
    private final int[] generations;
    private final int[] free;
    private int freeCount;

    SecretVault(int capacity) {
        entries = new Entry[capacity];
        generations = new int[capacity];
        free = new int[capacity];
        int start = ThreadLocalRandom.current().nextInt(1, 1 << 20);
        for (int i = 0; i < capacity; i++) {
            generations[i] = start;
            free[i] = capacity - 1 - i;
        }
        freeCount = capacity;
    }

    /** Stores the entry and returns its new handle. */
    long put(Entry entry) {
        if (freeCount == 0) {
            entry.wipe();
            throw new OffloadFailure(FailureReason.TOO_MANY_HANDLES);
        }
        int index = free[--freeCount];
        entries[index] = entry;
        entry.handle = ((long) generations[index] << 32) | (index + 1L);
        return entry.handle;
    }

    /** The live entry behind the handle, or null. */
    Entry get(long handle) {
        int index = (int) (handle & 0xffffffffL) - 1;
        if (index < 0 || index >= entries.length) {
            return null;
        }
        Entry entry = entries[index];
        if (entry == null || generations[index] != (int) (handle >>> 32)) {
            return null;
        }
        return entry;
    }

    /** Erases and forgets the secret behind the handle; false when the handle was not live. */
    boolean release(long handle) {
        Entry entry = get(handle);
        if (entry == null) {
            return false;
        }
        int index = (int) (handle & 0xffffffffL) - 1;
        entry.wipe();
        entries[index] = null;
        generations[index] = generations[index] == Integer.MAX_VALUE ? 1 : generations[index] + 1;
        free[freeCount++] = index;
        return true;
    }

    /** Erases every secret a client holds, detached resumption PSKs included; returns how many. */
    int releaseClient(long client) {
        int released = 0;
        for (Entry entry : entries) {
            if (entry != null && entry.client == client && release(entry.handle)) {
                released++;
            }
        }
        return released;
    }

    int size() {
        return entries.length - freeCount;
    }

    /** Erases every secret. */
    void clear() {
        for (int i = 0; i < entries.length; i++) {
            if (entries[i] != null) {
                release(entries[i].handle);
            }
        }
        Arrays.fill(entries, null);
    }
}
