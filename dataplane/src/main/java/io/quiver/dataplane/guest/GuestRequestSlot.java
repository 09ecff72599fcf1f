package io.quiver.dataplane.guest;

import io.quiver.dataplane.config.Defaults;
import java.lang.foreign.MemorySegment;

/** A request handed from the lcore to the control side: which VNIC it came in on, who sent it, its UDP payload. */
public final class GuestRequestSlot {
    public int vnic;
    public long sourceMac;
    public int sourceIp;
    public int sourcePort;
    public int length;
    public long receivedNanos;
    public final byte[] payload;
    /** The payload array as a segment, made once, so the lcore copies into it without allocating. */
    final MemorySegment payloadSegment;

    GuestRequestSlot(int maxPayload) {
        payload = new byte[maxPayload];
        payloadSegment = MemorySegment.ofArray(payload);
    }

    GuestRequestSlot() {
        this(Defaults.GUEST_REQUEST_MAX_PAYLOAD);
    }
}
