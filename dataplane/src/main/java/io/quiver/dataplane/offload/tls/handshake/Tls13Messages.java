package io.quiver.dataplane.offload.tls.handshake;

import java.nio.charset.StandardCharsets;

/**
 * Builds the plaintext handshake messages of a minimal TLS 1.3 handshake: enough for test clients, the interop
 * test and the benchmark to produce real transcripts. Not a TLS stack: no negotiation beyond what is asked.
 */
public final class Tls13Messages {
    /** Signature schemes a test client offers: ECDSA P-256, RSA-PSS, RSA PKCS#1 and Ed25519. */
    private static final int[] SIGNATURE_SCHEMES = {0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501,
            0x0601, 0x0807};

    private Tls13Messages() {
    }

    /**
     * A ClientHello offering TLS 1.3 only, these suites, one key share, and optionally a server name.
     *
     * @param sessionId legacy_session_id (0 or 32 bytes; 32 asks the server for middlebox compatibility mode)
     */
    public static byte[] clientHello(byte[] random, byte[] sessionId, int[] cipherSuites, int group, byte[] keyShare,
                                     String serverName) {
        return clientHello(random, sessionId, cipherSuites, group, keyShare, serverName, null, 0, 0);
    }

    /**
     * A ClientHello that also offers one resumption PSK (RFC 8446 §4.2.11) with (EC)DHE: psk_key_exchange_modes
     * psk_dhe_ke, then pre_shared_key last, with the ticket, its obfuscated age and a binder of zeros that the caller
     * replaces (it is the last {@code binderLength} bytes; the truncated ClientHello is everything before the binders
     * list, {@link #truncatedLength}).
     */
    public static byte[] clientHelloWithPsk(byte[] random, byte[] sessionId, int[] cipherSuites, int group,
                                            byte[] keyShare, String serverName, byte[] ticket, long obfuscatedAge,
                                            int binderLength) {
        return clientHello(random, sessionId, cipherSuites, group, keyShare, serverName, ticket, obfuscatedAge,
                binderLength);
    }

    /** The length of a {@link #clientHelloWithPsk} message up to its binders list: what the binder covers. */
    public static int truncatedLength(byte[] clientHelloWithPsk, int binderLength) {
        return clientHelloWithPsk.length - 2 - 1 - binderLength;
    }

    private static byte[] clientHello(byte[] random, byte[] sessionId, int[] cipherSuites, int group, byte[] keyShare,
                                      String serverName, byte[] ticket, long obfuscatedAge, int binderLength) {
        MessageWriter suites = new MessageWriter();
        for (int suite : cipherSuites) {
            suites.uint16(suite);
        }
        MessageWriter extensions = new MessageWriter();
        if (serverName != null) {
            byte[] name = serverName.getBytes(StandardCharsets.US_ASCII);
            byte[] entry = new MessageWriter().uint8(0).vector16(name).toByteArray();
            extensions.extension(0, new MessageWriter().vector16(entry).toByteArray());
        }
        extensions.extension(ExtensionType.SUPPORTED_GROUPS,
                new MessageWriter().vector16(new MessageWriter().uint16(group).toByteArray()).toByteArray());
        MessageWriter schemes = new MessageWriter();
        for (int scheme : SIGNATURE_SCHEMES) {
            schemes.uint16(scheme);
        }
        extensions.extension(13, new MessageWriter().vector16(schemes.toByteArray()).toByteArray());
        byte[] share = new MessageWriter().uint16(group).vector16(keyShare).toByteArray();
        extensions.extension(ExtensionType.KEY_SHARE, new MessageWriter().vector16(share).toByteArray());
        extensions.extension(ExtensionType.SUPPORTED_VERSIONS, new MessageWriter().vector8(
                new MessageWriter().uint16(ExtensionType.TLS13).toByteArray()).toByteArray());
        if (ticket != null) {
            extensions.extension(45, new MessageWriter().vector8(new byte[] {1}).toByteArray()); // psk_dhe_ke
            byte[] identity = new MessageWriter().vector16(ticket).uint16((int) (obfuscatedAge >>> 16) & 0xffff)
                    .uint16((int) obfuscatedAge & 0xffff).toByteArray();
            byte[] binders = new MessageWriter().vector8(new byte[binderLength]).toByteArray();
            extensions.extension(ExtensionType.PRE_SHARED_KEY, new MessageWriter().vector16(identity)
                    .vector16(binders).toByteArray());
        }
        byte[] body = new MessageWriter()
                .uint16(0x0303)
                .bytes(random)
                .vector8(sessionId)
                .vector16(suites.toByteArray())
                .vector8(new byte[] {0})
                .vector16(extensions.toByteArray())
                .toByteArray();
        return HandshakeMessage.encode(HandshakeType.CLIENT_HELLO, body);
    }

    /** A ServerHello selecting TLS 1.3, this suite and this key share. */
    public static byte[] serverHello(byte[] random, byte[] sessionIdEcho, int cipherSuite, int group, byte[] keyShare) {
        MessageWriter extensions = new MessageWriter()
                .extension(ExtensionType.SUPPORTED_VERSIONS, new MessageWriter().uint16(ExtensionType.TLS13).toByteArray())
                .extension(ExtensionType.KEY_SHARE, new MessageWriter().uint16(group).vector16(keyShare).toByteArray());
        byte[] body = new MessageWriter()
                .uint16(0x0303)
                .bytes(random)
                .vector8(sessionIdEcho)
                .uint16(cipherSuite)
                .uint8(0)
                .vector16(extensions.toByteArray())
                .toByteArray();
        return HandshakeMessage.encode(HandshakeType.SERVER_HELLO, body);
    }

    /** A HelloRetryRequest asking for a key share of {@code group}. */
    public static byte[] helloRetryRequest(byte[] sessionIdEcho, int cipherSuite, int group) {
        MessageWriter extensions = new MessageWriter()
                .extension(ExtensionType.SUPPORTED_VERSIONS, new MessageWriter().uint16(ExtensionType.TLS13).toByteArray())
                .extension(ExtensionType.KEY_SHARE, new MessageWriter().uint16(group).toByteArray());
        byte[] body = new MessageWriter()
                .uint16(0x0303)
                .bytes(ServerHelloInfo.HELLO_RETRY_REQUEST_RANDOM)
                .vector8(sessionIdEcho)
                .uint16(cipherSuite)
                .uint8(0)
                .vector16(extensions.toByteArray())
                .toByteArray();
        return HandshakeMessage.encode(HandshakeType.SERVER_HELLO, body);
    }

    /** EncryptedExtensions with no extension. */
    public static byte[] encryptedExtensions() {
        return HandshakeMessage.encode(HandshakeType.ENCRYPTED_EXTENSIONS, new MessageWriter().vector16(new byte[0]).toByteArray());
    }

    /** A server Certificate carrying one certificate (DER) without extensions. */
    public static byte[] certificate(byte[] der) {
        byte[] entry = new MessageWriter().vector24(der).vector16(new byte[0]).toByteArray();
        byte[] body = new MessageWriter().vector8(new byte[0]).vector24(entry).toByteArray();
        return HandshakeMessage.encode(HandshakeType.CERTIFICATE, body);
    }

    /** A CertificateVerify with this scheme and signature. */
    public static byte[] certificateVerify(int scheme, byte[] signature) {
        return HandshakeMessage.encode(HandshakeType.CERTIFICATE_VERIFY,
                new MessageWriter().uint16(scheme).vector16(signature).toByteArray());
    }
}
