package io.quiver.dataplane.offload.tls;

import java.util.Arrays;

/**
 * A byte field of a pre-allocated request slot: fixed capacity, a current length, and an explicit wipe so that key
 * material does not outlive the request that carried it.
 */
public final class BoundedBytes {
    private final byte[] bytes;
    private int length;
    private boolean present;

    public BoundedBytes(int capacity) {
        this.bytes = new byte[capacity];
    }

    public int capacity() {
        return bytes.length;
    }

    /** Whether a value was set (an empty value is present but has length 0). */
    public boolean isPresent() {
        return present;
    }

    public int length() {
        return length;
    }

    /** The backing array; only the first {@link #length()} bytes are the value. */
    public byte[] array() {
        return bytes;
    }

    /** Copies the value in; false, and nothing set, when it does not fit. A null value clears the field. */
    public boolean set(byte[] value) {
        return value == null ? clearAndTrue() : set(value, 0, value.length);
    }

    public boolean set(byte[] value, int offset, int count) {
        if (count > bytes.length) {
            clear();
            return false;
        }
        wipe();
        System.arraycopy(value, offset, bytes, 0, count);
        length = count;
        present = true;
        return true;
    }

    /** A copy of the value, or null when absent. */
    public byte[] copy() {
        return present ? Arrays.copyOf(bytes, length) : null;
    }

    /** Zeroes the bytes in use and marks the field absent. */
    public void clear() {
        wipe();
        present = false;
    }

    private boolean clearAndTrue() {
        clear();
        return true;
    }

    private void wipe() {
        if (length > 0) {
            Arrays.fill(bytes, 0, length, (byte) 0);
        }
        length = 0;
    }

    @Override
    public String toString() {
        return present ? "[" + length + " bytes]" : "[absent]";
    }
}
