package io.quiver.dataplane.offload.tls.host;

import io.quiver.dataplane.offload.tls.KeyHandle;
import io.quiver.dataplane.offload.tls.PskKind;
import io.quiver.dataplane.offload.tls.TlsRole;
import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;

/**
 * What the host sends to start offloading one connection's handshake: the offload request of the patent, carrying
 * the local ephemeral private key. Suites and groups are wire codes so that the engine, not the host, refuses the
 * ones it does not implement. {@link #toString()} never prints a key.
 */
public final class StartParameters {
    final long connectionId;
    final TlsRole role;
    final int cipherSuite;
    int namedGroup;
    byte[] privateKey;
    byte[] localKeyShare;
    byte[] peerKeyShare;
    byte[] psk;
    KeyHandle pskHandle = KeyHandle.NONE;
    PskKind pskKind = PskKind.RESUMPTION;
    byte[] clientRandom;
    byte[] handshakeMessages;

    private StartParameters(long connectionId, TlsRole role, int cipherSuite) {
        this.connectionId = connectionId;
        this.role = role;
        this.cipherSuite = cipherSuite;
    }

    public static StartParameters of(long connectionId, TlsRole role, int cipherSuiteCode) {
        return new StartParameters(connectionId, role, cipherSuiteCode);
    }

    public static StartParameters of(long connectionId, TlsRole role, CipherSuite suite) {
        return of(connectionId, role, suite.code());
    }

    /** The (EC)DHE group and the local ephemeral private key. */
    public StartParameters ephemeral(int namedGroupCode, byte[] privateKey) {
        this.namedGroup = namedGroupCode;
        this.privateKey = privateKey;
        return this;
    }

    public StartParameters ephemeral(NamedGroup group, byte[] privateKey) {
        return ephemeral(group.code(), privateKey);
    }

    /** Our own key share as sent in our hello: spares the engine a public-key computation. */
    public StartParameters localKeyShare(byte[] share) {
        this.localKeyShare = share;
        return this;
    }

    /** The peer's key share, when the host has it already (it may also come with the peer's hello message). */
    public StartParameters peerKeyShare(byte[] share) {
        this.peerKeyShare = share;
        return this;
    }

    public StartParameters psk(byte[] psk, PskKind kind) {
        this.psk = psk;
        this.pskKind = kind;
        return this;
    }

    /** A resumption PSK the engine holds (from an earlier connection's ticket). */
    public StartParameters psk(KeyHandle handle) {
        this.pskHandle = handle;
        this.pskKind = PskKind.RESUMPTION;
        return this;
    }

    /** ClientHello.random, needed for the debug key log when the engine never sees the ClientHello. */
    public StartParameters clientRandom(byte[] random) {
        this.clientRandom = random;
        return this;
    }

    /** The first handshake messages (e.g. ClientHello and ServerHello), processed with the start. */
    public StartParameters handshakeMessages(byte[] messages) {
        this.handshakeMessages = messages;
        return this;
    }

    public long connectionId() {
        return connectionId;
    }

    @Override
    public String toString() {
        return "StartParameters[connection=" + connectionId + " " + role + String.format(" suite=0x%04x group=0x%04x",
                cipherSuite, namedGroup) + " psk=" + (psk != null || !pskHandle.isNone()) + "]";
    }
}
