package io.quiver.dataplane.offload.tls.record;

import io.quiver.dataplane.offload.tls.crypto.RecordAead;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.protocol.OffloadFailure;
import java.util.Arrays;

/**
 * Record protection of RFC 8446 §5.2 for one traffic key in one direction. Each record is the AEAD of
 * TLSInnerPlaintext (content, content type, zero padding) under the per-record nonce of §5.3 (the 64-bit sequence
 * number, left-padded, XORed with the write IV) with the 5-byte record header as additional data.
 */
public final class Tls13RecordProtection {
    public static final int HEADER_LENGTH = 5;
    /** 2^14: the most plaintext a record may carry (§5.1). */
    public static final int MAX_PLAINTEXT = 1 << 14;
    /** 2^14 + 256: the most ciphertext a record may carry (§5.2). */
    public static final int MAX_CIPHERTEXT = MAX_PLAINTEXT + 256;
    private static final int TAG = 16;

    private final RecordAead aead;
    private final byte[] iv;
    private final byte[] nonce;
    private final byte[] header = new byte[HEADER_LENGTH];
    private long sequence;
    private boolean exhausted;

    public Tls13RecordProtection(RecordAead aead, byte[] iv) {
        this.aead = aead;
        this.iv = iv.clone();
        this.nonce = new byte[iv.length];
    }

    /** The sequence number of the next record. */
    public long sequence() {
        return sequence;
    }

    /** Sets the sequence number of the next record (e.g. to replay a trace from the middle). */
    public void sequence(long next) {
        sequence = next;
        exhausted = false;
    }

    /**
     * Protects one record: returns TLSCiphertext (header included) of {@code content} with inner type
     * {@code contentType} and {@code padding} zero bytes.
     */
    public byte[] seal(int contentType, byte[] content, int offset, int length, int padding) {
        if (!ContentType.isValidInner(contentType)) {
            throw new OffloadFailure(FailureReason.MALFORMED_RECORD);
        }
        if (padding < 0 || length + 1 + padding > MAX_PLAINTEXT + 1) {
            throw new OffloadFailure(FailureReason.RECORD_OVERFLOW);
        }
        int innerLength = length + 1 + padding;
        byte[] record = new byte[HEADER_LENGTH + innerLength + TAG];
        System.arraycopy(content, offset, record, HEADER_LENGTH, length);
        record[HEADER_LENGTH + length] = (byte) contentType;
        header(innerLength + TAG);
        System.arraycopy(header, 0, record, 0, HEADER_LENGTH);
        nextNonce();
        aead.seal(nonce, header, record, HEADER_LENGTH, innerLength, record, HEADER_LENGTH);
        return record;
    }

    /** The result of opening a record: its inner content type and content. */
    public record Opened(int contentType, byte[] content) {
        @Override
        public String toString() {
            return "Opened[type=" + contentType + ", " + content.length + " bytes]";
        }
    }

    /** Removes the protection of one whole TLSCiphertext record (header included). */
    public Opened open(byte[] record, int offset, int length) {
        if (length < HEADER_LENGTH) {
            throw new OffloadFailure(FailureReason.MALFORMED_RECORD);
        }
        int type = record[offset] & 0xff;
        int declared = ((record[offset + 3] & 0xff) << 8) | (record[offset + 4] & 0xff);
        if (type != ContentType.APPLICATION_DATA || record[offset + 1] != 0x03 || record[offset + 2] != 0x03) {
            throw new OffloadFailure(FailureReason.MALFORMED_RECORD);
        }
        if (declared > MAX_CIPHERTEXT) {
            throw new OffloadFailure(FailureReason.RECORD_OVERFLOW);
        }
        if (declared != length - HEADER_LENGTH || declared < TAG + 1) {
            throw new OffloadFailure(FailureReason.MALFORMED_RECORD);
        }
        System.arraycopy(record, offset, header, 0, HEADER_LENGTH);
        byte[] inner = new byte[declared - TAG];
        computeNonce();
        int n = aead.open(nonce, header, record, offset + HEADER_LENGTH, declared, inner, 0);
        if (n < 0) {
            throw new OffloadFailure(FailureReason.RECORD_AUTHENTICATION_FAILED);
        }
        advance();
        int end = n;
        while (end > 0 && inner[end - 1] == 0) {
            end--;
        }
        if (end == 0) {
            // §5.4: no non-zero octet in the cleartext
            throw new OffloadFailure(FailureReason.MALFORMED_RECORD);
        }
        int contentType = inner[end - 1] & 0xff;
        if (end - 1 > MAX_PLAINTEXT) {
            throw new OffloadFailure(FailureReason.RECORD_OVERFLOW);
        }
        byte[] content = Arrays.copyOf(inner, end - 1);
        Arrays.fill(inner, (byte) 0);
        return new Opened(contentType, content);
    }

    private void header(int ciphertextLength) {
        header[0] = (byte) ContentType.APPLICATION_DATA;
        header[1] = 0x03;
        header[2] = 0x03;
        header[3] = (byte) (ciphertextLength >>> 8);
        header[4] = (byte) ciphertextLength;
    }

    private void nextNonce() {
        if (exhausted) {
            throw new OffloadFailure(FailureReason.SEQUENCE_EXHAUSTED);
        }
        computeNonce();
        advance();
    }

    private void computeNonce() {
        if (exhausted) {
            throw new OffloadFailure(FailureReason.SEQUENCE_EXHAUSTED);
        }
        System.arraycopy(iv, 0, nonce, 0, iv.length);
        int base = iv.length - 8;
        for (int i = 0; i < 8; i++) {
            nonce[base + i] ^= (byte) (sequence >>> (56 - 8 * i));
        }
    }

    private void advance() {
        // §5.3: the sequence number must not wrap; after 2^64-1 the key must be updated
        if (sequence == -1L) {
            exhausted = true;
        } else {
            sequence++;
        }
    }

    /** Forgets the key and IV. */
    public void destroy() {
        aead.destroy();
        Arrays.fill(iv, (byte) 0);
        Arrays.fill(nonce, (byte) 0);
    }
}
