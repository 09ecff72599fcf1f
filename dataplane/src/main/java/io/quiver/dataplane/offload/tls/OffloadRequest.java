package io.quiver.dataplane.offload.tls;

import java.util.concurrent.CompletableFuture;

/**
 * One request to the offload engine. Instances are the pre-allocated slots of the offload ring: the host fills one,
 * publishes it, and the worker hands it to {@link HandshakeOffloadEngine#process}. Every byte field has a fixed
 * capacity; the engine wipes the key-bearing fields once the request is processed.
 */
public final class OffloadRequest {
    /** Room for any private key, key share, PSK, hash or verify_data the engine accepts, and then some. */
    public static final int SMALL_FIELD_CAPACITY = 256;

    private OffloadOperation operation;
    private long client;
    private long connectionId;
    private TlsRole role;
    private int cipherSuite;
    private int namedGroup;
    private PskKind pskKind = PskKind.RESUMPTION;
    private long pskHandle;
    private TranscriptPoint transcriptPoint;
    private boolean payloadIsTranscriptHash;
    private boolean endOfFlight = true;
    private int contentType;
    private int paddingLength;
    private long keyHandle;
    private CompletableFuture<OffloadReply> completion;
    private ReplyHandler handler;
    private long tag;

    private final BoundedBytes privateKey = new BoundedBytes(SMALL_FIELD_CAPACITY);
    private final BoundedBytes localKeyShare = new BoundedBytes(SMALL_FIELD_CAPACITY);
    private final BoundedBytes peerKeyShare = new BoundedBytes(SMALL_FIELD_CAPACITY);
    private final BoundedBytes psk = new BoundedBytes(SMALL_FIELD_CAPACITY);
    private final BoundedBytes clientRandom = new BoundedBytes(SMALL_FIELD_CAPACITY);
    private final BoundedBytes auxiliary = new BoundedBytes(SMALL_FIELD_CAPACITY);
    private final BoundedBytes payload;

    public OffloadRequest(int payloadCapacity) {
        this.payload = new BoundedBytes(payloadCapacity);
    }

    /** Resets every field and wipes every byte field: the slot is ready for the next request. */
    public OffloadRequest reset() {
        operation = null;
        client = 0;
        connectionId = 0;
        role = null;
        cipherSuite = 0;
        namedGroup = 0;
        pskKind = PskKind.RESUMPTION;
        pskHandle = 0;
        transcriptPoint = null;
        payloadIsTranscriptHash = false;
        endOfFlight = true;
        contentType = 0;
        paddingLength = 0;
        keyHandle = 0;
        completion = null;
        handler = null;
        tag = 0;
        wipeKeyMaterial();
        clientRandom.clear();
        auxiliary.clear();
        payload.clear();
        return this;
    }

    /**
     * Makes this request a copy of {@code other} (its completion and client excepted): a front end reads a request
     * off the wire into a request of its own, checks it, then copies it into a ring slot.
     */
    public OffloadRequest copyFrom(OffloadRequest other) {
        operation = other.operation;
        connectionId = other.connectionId;
        role = other.role;
        cipherSuite = other.cipherSuite;
        namedGroup = other.namedGroup;
        pskKind = other.pskKind;
        pskHandle = other.pskHandle;
        transcriptPoint = other.transcriptPoint;
        payloadIsTranscriptHash = other.payloadIsTranscriptHash;
        endOfFlight = other.endOfFlight;
        contentType = other.contentType;
        paddingLength = other.paddingLength;
        keyHandle = other.keyHandle;
        copy(other.privateKey, privateKey);
        copy(other.localKeyShare, localKeyShare);
        copy(other.peerKeyShare, peerKeyShare);
        copy(other.psk, psk);
        copy(other.clientRandom, clientRandom);
        copy(other.auxiliary, auxiliary);
        copy(other.payload, payload);
        return this;
    }

    private static void copy(BoundedBytes from, BoundedBytes to) {
        if (from.isPresent()) {
            to.set(from.array(), 0, from.length());
        } else {
            to.clear();
        }
    }

    /** Wipes the fields that carry keys (private key, PSK); done by the worker right after processing. */
    public void wipeKeyMaterial() {
        privateKey.clear();
        psk.clear();
        localKeyShare.clear();
        peerKeyShare.clear();
    }

    public OffloadOperation operation() { return operation; }
    public OffloadRequest operation(OffloadOperation value) { operation = value; return this; }
    /**
     * Who asks: the offload service's id for the socket connection or VNIC the request came from (0 for an
     * in-process host). Sessions and handles belong to the client that created them.
     */
    public long client() { return client; }
    public OffloadRequest client(long value) { client = value; return this; }
    public long connectionId() { return connectionId; }
    public OffloadRequest connectionId(long value) { connectionId = value; return this; }
    public TlsRole role() { return role; }
    public OffloadRequest role(TlsRole value) { role = value; return this; }
    /** The cipher suite's wire code: the engine itself rejects codes it does not implement. */
    public int cipherSuite() { return cipherSuite; }
    public OffloadRequest cipherSuite(int code) { cipherSuite = code; return this; }
    /** The named group's wire code. */
    public int namedGroup() { return namedGroup; }
    public OffloadRequest namedGroup(int code) { namedGroup = code; return this; }
    public PskKind pskKind() { return pskKind; }
    public OffloadRequest pskKind(PskKind value) { pskKind = value; return this; }
    /** A resumption PSK held by the engine (from {@link OffloadOperation#RESUMPTION_PSK}), instead of PSK bytes. */
    public long pskHandle() { return pskHandle; }
    public OffloadRequest pskHandle(long value) { pskHandle = value; return this; }
    public TranscriptPoint transcriptPoint() { return transcriptPoint; }
    public OffloadRequest transcriptPoint(TranscriptPoint value) { transcriptPoint = value; return this; }
    /** For PSK_BINDER: the payload is the hash of the truncated ClientHello, not the message itself. */
    public boolean payloadIsTranscriptHash() { return payloadIsTranscriptHash; }
    public OffloadRequest payloadIsTranscriptHash(boolean value) { payloadIsTranscriptHash = value; return this; }
    /** For HANDSHAKE_MESSAGES: no message may be left incomplete at the end of this request. */
    public boolean endOfFlight() { return endOfFlight; }
    public OffloadRequest endOfFlight(boolean value) { endOfFlight = value; return this; }
    /** For SEAL_RECORD: the content type of the inner plaintext (22 handshake, 23 application data, 21 alert). */
    public int contentType() { return contentType; }
    public OffloadRequest contentType(int value) { contentType = value; return this; }
    /** For SEAL_RECORD: zero bytes of padding to add to the inner plaintext (RFC 8446 §5.4). */
    public int paddingLength() { return paddingLength; }
    public OffloadRequest paddingLength(int value) { paddingLength = value; return this; }
    public long keyHandle() { return keyHandle; }
    public OffloadRequest keyHandle(long value) { keyHandle = value; return this; }
    public CompletableFuture<OffloadReply> completion() { return completion; }
    public OffloadRequest completion(CompletableFuture<OffloadReply> value) { completion = value; return this; }
    /** Instead of a future: who gets the reply, with {@link #tag()} (a service front end). */
    public ReplyHandler handler() { return handler; }
    public long tag() { return tag; }
    public OffloadRequest handler(ReplyHandler value, long requestTag) { handler = value; tag = requestTag; return this; }

    /** The local ephemeral private key: X25519 scalar (32 bytes) or secp256r1 scalar (32 bytes, big-endian). */
    public BoundedBytes privateKey() { return privateKey; }
    /** Optional: the local key share sent in our hello; saves the backend from recomputing the public key. */
    public BoundedBytes localKeyShare() { return localKeyShare; }
    /** The peer's key share (KeyShareEntry.key_exchange). */
    public BoundedBytes peerKeyShare() { return peerKeyShare; }
    public BoundedBytes psk() { return psk; }
    /** ClientHello.random, for the key log when the engine does not see the ClientHello. */
    public BoundedBytes clientRandom() { return clientRandom; }
    /** Peer verify_data (TRANSCRIPT_HASH) or the expected binder (PSK_BINDER). */
    public BoundedBytes auxiliary() { return auxiliary; }
    /** Handshake messages, a transcript hash, a record, a plaintext or a ticket nonce, by operation. */
    public BoundedBytes payload() { return payload; }

    @Override
    public String toString() {
        return "OffloadRequest[" + operation + " connection=" + connectionId + " role=" + role
                + String.format(" suite=0x%04x group=0x%04x", cipherSuite, namedGroup)
                + " point=" + transcriptPoint + " handle=" + new KeyHandle(keyHandle)
                + " payload=" + payload + "]";
    }
}
