package io.quiver.dataplane.offload.tls;

import io.quiver.dataplane.offload.tls.crypto.Hkdf;
import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import io.quiver.dataplane.offload.tls.protocol.HashAlgorithm;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The TLS 1.3 key schedule of RFC 8446 §7.1 for one connection, plus the traffic keys of §7.3, the Finished MAC of
 * §4.4.4, the key update of §7.2 and the ticket PSK of §4.6.1. It holds the three extracted secrets (early,
 * handshake, master); everything derived from them is returned to the caller, which keeps it in the vault.
 * Package-private on purpose: nothing outside the engine sees a secret.
 */
final class Tls13KeySchedule {
    static final byte[] EXT_BINDER = Hkdf.label("ext binder");
    static final byte[] RES_BINDER = Hkdf.label("res binder");
    static final byte[] C_E_TRAFFIC = Hkdf.label("c e traffic");
    static final byte[] E_EXP_MASTER = Hkdf.label("e exp master");
    static final byte[] DERIVED = Hkdf.label("derived");
    static final byte[] C_HS_TRAFFIC = Hkdf.label("c hs traffic");
    static final byte[] S_HS_TRAFFIC = Hkdf.label("s hs traffic");
    static final byte[] C_AP_TRAFFIC = Hkdf.label("c ap traffic");
    static final byte[] S_AP_TRAFFIC = Hkdf.label("s ap traffic");
    static final byte[] EXP_MASTER = Hkdf.label("exp master");
    static final byte[] RES_MASTER = Hkdf.label("res master");
    static final byte[] KEY = Hkdf.label("key");
    static final byte[] IV = Hkdf.label("iv");
    static final byte[] FINISHED = Hkdf.label("finished");
    static final byte[] TRAFFIC_UPD = Hkdf.label("traffic upd");
    static final byte[] RESUMPTION = Hkdf.label("resumption");

    private final Hkdf hkdf;
    private final HashAlgorithm hash;
    private final byte[] emptyHash;
    private final byte[] zeros;
    private byte[] earlySecret;
    private byte[] handshakeSecret;
    private byte[] masterSecret;

    /**
     * @param emptyHash Hash("") of the suite's hash, which "derived" uses as its context
     */
    Tls13KeySchedule(Hkdf hkdf, HashAlgorithm hash, byte[] emptyHash) {
        this.hkdf = hkdf;
        this.hash = hash;
        this.emptyHash = emptyHash;
        this.zeros = new byte[hash.length()];
    }

    HashAlgorithm hash() {
        return hash;
    }

    /** Early Secret = HKDF-Extract(0, PSK), with PSK = Hash.length zeros when there is none. */
    void deriveEarlySecret(byte[] psk) {
        wipe(earlySecret);
        earlySecret = hkdf.extract(zeros, psk == null ? zeros : psk);
    }

    byte[] binderKey(PskKind kind) {
        return hkdf.deriveSecret(early(), kind == PskKind.EXTERNAL ? EXT_BINDER : RES_BINDER, emptyHash);
    }

    byte[] clientEarlyTrafficSecret(byte[] clientHelloHash) {
        return hkdf.deriveSecret(early(), C_E_TRAFFIC, clientHelloHash);
    }

    byte[] earlyExporterMasterSecret(byte[] clientHelloHash) {
        return hkdf.deriveSecret(early(), E_EXP_MASTER, clientHelloHash);
    }

    /** Handshake Secret = HKDF-Extract(Derive-Secret(Early Secret, "derived", ""), (EC)DHE); zeros for psk_ke. */
    void deriveHandshakeSecret(byte[] sharedSecret) {
        byte[] salt = hkdf.deriveSecret(early(), DERIVED, emptyHash);
        wipe(handshakeSecret);
        handshakeSecret = hkdf.extract(salt, sharedSecret == null ? zeros : sharedSecret);
        wipe(salt);
    }

    byte[] clientHandshakeTrafficSecret(byte[] helloHash) {
        return hkdf.deriveSecret(handshake(), C_HS_TRAFFIC, helloHash);
    }

    byte[] serverHandshakeTrafficSecret(byte[] helloHash) {
        return hkdf.deriveSecret(handshake(), S_HS_TRAFFIC, helloHash);
    }

    /** Master Secret = HKDF-Extract(Derive-Secret(Handshake Secret, "derived", ""), 0). */
    void deriveMasterSecret() {
        byte[] salt = hkdf.deriveSecret(handshake(), DERIVED, emptyHash);
        wipe(masterSecret);
        masterSecret = hkdf.extract(salt, zeros);
        wipe(salt);
    }

    byte[] clientApplicationTrafficSecret(byte[] serverFinishedHash) {
        return hkdf.deriveSecret(master(), C_AP_TRAFFIC, serverFinishedHash);
    }

    byte[] serverApplicationTrafficSecret(byte[] serverFinishedHash) {
        return hkdf.deriveSecret(master(), S_AP_TRAFFIC, serverFinishedHash);
    }

    byte[] exporterMasterSecret(byte[] serverFinishedHash) {
        return hkdf.deriveSecret(master(), EXP_MASTER, serverFinishedHash);
    }

    byte[] resumptionMasterSecret(byte[] clientFinishedHash) {
        return hkdf.deriveSecret(master(), RES_MASTER, clientFinishedHash);
    }

    /** §7.3: [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length). */
    byte[] trafficKey(byte[] trafficSecret, CipherSuite suite) {
        return hkdf.expandLabel(trafficSecret, KEY, null, suite.keyLength());
    }

    /** §7.3: [sender]_write_iv = HKDF-Expand-Label(Secret, "iv", "", iv_length). */
    byte[] trafficIv(byte[] trafficSecret) {
        return hkdf.expandLabel(trafficSecret, IV, null, CipherSuite.IV_LENGTH);
    }

    /** §4.4.4: verify_data = HMAC(HKDF-Expand-Label(BaseKey, "finished", "", Hash.length), transcript hash). */
    byte[] finishedVerifyData(byte[] baseKey, byte[] transcriptHash) {
        byte[] finishedKey = finishedKey(baseKey);
        byte[] verifyData = hkdf.extract(finishedKey, transcriptHash);
        wipe(finishedKey);
        return verifyData;
    }

    byte[] finishedKey(byte[] baseKey) {
        return hkdf.expandLabel(baseKey, FINISHED, null, hash.length());
    }

    /** §7.2: application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length). */
    byte[] nextTrafficSecret(byte[] trafficSecret) {
        return hkdf.expandLabel(trafficSecret, TRAFFIC_UPD, null, hash.length());
    }

    /** §4.6.1: PSK = HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length). */
    byte[] resumptionPsk(byte[] resumptionMasterSecret, byte[] ticketNonce) {
        return hkdf.expandLabel(resumptionMasterSecret, RESUMPTION, ticketNonce, hash.length());
    }

    // for the RFC 8448 trace tests
    byte[] earlySecret() {
        return early().clone();
    }

    byte[] handshakeSecret() {
        return handshake().clone();
    }

    byte[] masterSecret() {
        return master().clone();
    }

    private byte[] early() {
        if (earlySecret == null) {
            throw new IllegalStateException("no early secret yet");
        }
        return earlySecret;
    }

    private byte[] handshake() {
        if (handshakeSecret == null) {
            throw new IllegalStateException("no handshake secret yet");
        }
        return handshakeSecret;
    }

    private byte[] master() {
        if (masterSecret == null) {
            throw new IllegalStateException("no master secret yet");
        }
        return masterSecret;
    }

    /** Erases the extracted secrets. */
    void destroy() {
        wipe(earlySecret);
        wipe(handshakeSecret);
        wipe(masterSecret);
        earlySecret = null;
        handshakeSecret = null;
        masterSecret = null;
    }

    static void wipe(byte[] secret) {
        if (secret != null) {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** Constant-time comparison for verify_data and binders. */
    static boolean sameMac(byte[] expected, byte[] actual, int actualOffset, int actualLength) {
        if (actualLength != expected.length) {
            return false;
        }
        return MessageDigest.isEqual(expected, Arrays.copyOfRange(actual, actualOffset, actualOffset + actualLength));
    }
}
