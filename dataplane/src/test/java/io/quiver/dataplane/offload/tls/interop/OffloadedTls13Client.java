package io.quiver.dataplane.offload.tls.interop;

import io.quiver.dataplane.offload.tls.HandshakeProgress;
import io.quiver.dataplane.offload.tls.KeyHandle;
import io.quiver.dataplane.offload.tls.OffloadReply;
import io.quiver.dataplane.offload.tls.SecretKind;
import io.quiver.dataplane.offload.tls.TlsRole;
import io.quiver.dataplane.offload.tls.handshake.HandshakeMessage;
import io.quiver.dataplane.offload.tls.handshake.HandshakeType;
import io.quiver.dataplane.offload.tls.handshake.MessageReader;
import io.quiver.dataplane.offload.tls.handshake.ServerHelloInfo;
import io.quiver.dataplane.offload.tls.handshake.Tls13Messages;
import io.quiver.dataplane.offload.tls.host.EphemeralKeyPair;
import io.quiver.dataplane.offload.tls.host.HandshakeOffloadClient;
import io.quiver.dataplane.offload.tls.host.StartParameters;
import io.quiver.dataplane.offload.tls.protocol.CipherSuite;
import io.quiver.dataplane.offload.tls.protocol.NamedGroup;
import io.quiver.dataplane.offload.tls.record.ContentType;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A small TLS 1.3 client for the interop test whose handshake cryptography is all offloaded: it builds the
 * ClientHello with its own ephemeral key share, then gives the private key and the transcript to the appliance and
 * only ever holds handles. The server's encrypted flight is opened, the server Finished checked, the client Finished
 * produced and every record protected by the offload engine.
 *
 * <p>It is not a TLS stack. It offers exactly one suite and one group, sends no session id, and <b>skips certificate
 * validation</b>: the server's Certificate and CertificateVerify go into the transcript unchecked (the test is about
 * the key exchange and schedule, the certificate is a throwaway self-signed one).
 */
public final class OffloadedTls13Client implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int TIMEOUT_MS = 10_000;

    private final HandshakeOffloadClient offload;
    private final long connectionId;
    private final CipherSuite suite;
    private final NamedGroup group;
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private byte[] clientRandom;
    private KeyHandle clientApplication = KeyHandle.NONE;
    private KeyHandle serverApplication = KeyHandle.NONE;
    private final List<KeyHandle> ticketPsks = new ArrayList<>();
    private final List<Ticket> tickets = new ArrayList<>();
    private boolean resumed;

    /** A NewSessionTicket as the client keeps it: what the next ClientHello offers, and the PSK the engine holds. */
    public record Ticket(byte[] ticket, long ageAdd, long receivedNanos, KeyHandle psk) {
    }
    private HandshakeProgress progress;

    public OffloadedTls13Client(HandshakeOffloadClient offload, long connectionId, CipherSuite suite, NamedGroup group,
                         int port) throws IOException {
        this.offload = offload;
        this.connectionId = connectionId;
        this.suite = suite;
        this.group = group;
        this.socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
        socket.setSoTimeout(TIMEOUT_MS);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public byte[] clientRandom() {
        return clientRandom;
    }

    public HandshakeProgress progress() {
        return progress;
    }

    public List<KeyHandle> ticketPsks() {
        return ticketPsks;
    }

    /** The tickets received so far, each with its PSK held by the engine. */
    public List<Ticket> tickets() {
        return tickets;
    }

    /** Whether the server accepted the PSK of {@link #resume}. */
    public boolean resumed() {
        return resumed;
    }

    private static OffloadReply await(CompletableFuture<OffloadReply> future, String step) throws IOException {
        OffloadReply reply;
        try {
            reply = future.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IOException(step + ": no reply from the offload engine", e);
        }
        if (!reply.ok()) {
            throw new IOException(step + ": offload failed with " + reply.reason());
        }
        return reply;
    }

    /** The whole handshake; returns when the client Finished is sent. */
    public void handshake() throws IOException {
        EphemeralKeyPair keys = EphemeralKeyPair.generate(group, RANDOM);
        clientRandom = new byte[32];
        RANDOM.nextBytes(clientRandom);
        byte[] clientHello = Tls13Messages.clientHello(clientRandom, new byte[0], new int[] {suite.code()},
                group.code(), keys.keyShare(), "localhost");
        writeRecord(ContentType.HANDSHAKE, 0x0301, clientHello);

        byte[] serverHello = readPlaintextHandshakeMessage();
        if (serverHello[0] != HandshakeType.SERVER_HELLO.code()) {
            throw new IOException("expected a ServerHello, got handshake type " + serverHello[0]);
        }
        // the host reads the server's key share off the wire and hands it over with the private key
        ServerHelloInfo info = ServerHelloInfo.parse(new HandshakeMessage(HandshakeType.SERVER_HELLO, serverHello));
        OffloadReply hello = await(offload.start(StartParameters.of(connectionId, TlsRole.CLIENT, suite)
                .ephemeral(group, keys.privateKey())
                .localKeyShare(keys.keyShare())
                .peerKeyShare(info.keyShare())
                .handshakeMessages(concat(clientHello, serverHello))), "start");
        finishHandshake(hello.handle(SecretKind.SERVER_HANDSHAKE_TRAFFIC), hello.handle(SecretKind.CLIENT_HANDSHAKE_TRAFFIC));
    }

    /** The server's encrypted flight opened and checked, then this side's Finished. */
    private void finishHandshake(KeyHandle serverHandshake, KeyHandle clientHandshake) throws IOException {
        // the server's encrypted flight: EncryptedExtensions, Certificate, CertificateVerify, Finished
        ByteArrayOutputStream flight = new ByteArrayOutputStream();
        while (!endsWithFinished(flight.toByteArray())) {
            byte[] record = readRecord();
            int type = record[0] & 0xff;
            if (type == ContentType.CHANGE_CIPHER_SPEC) {
                continue;
            }
            OffloadReply opened = await(offload.open(serverHandshake, record), "open server flight");
            if (opened.contentType() != ContentType.HANDSHAKE) {
                throw new IOException("unexpected content type " + opened.contentType() + " in the server flight");
            }
            flight.writeBytes(opened.output());
        }
        OffloadReply application = await(offload.handshakeMessages(connectionId, flight.toByteArray()),
                "server flight (checks the server Finished)");
        clientApplication = application.handle(SecretKind.CLIENT_APPLICATION_TRAFFIC);
        serverApplication = application.handle(SecretKind.SERVER_APPLICATION_TRAFFIC);

        OffloadReply finished = await(offload.finished(connectionId), "client Finished");
        progress = finished.progress();
        writeRaw(await(offload.seal(clientHandshake, ContentType.HANDSHAKE, finished.output()), "seal Finished").output());
    }

    /**
     * A resumed handshake (RFC 8446 §2.2): the ClientHello offers {@code ticket} with (EC)DHE; the engine computes the
     * binder from the PSK it holds, and when the server accepts the PSK its flight has no certificate.
     */
    public void resume(Ticket ticket) throws IOException {
        EphemeralKeyPair keys = EphemeralKeyPair.generate(group, RANDOM);
        clientRandom = new byte[32];
        RANDOM.nextBytes(clientRandom);
        int binderLength = suite.hash().length();
        long age = (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - ticket.receivedNanos()) + ticket.ageAdd()) & 0xffffffffL;
        byte[] clientHello = Tls13Messages.clientHelloWithPsk(clientRandom, new byte[0], new int[] {suite.code()},
                group.code(), keys.keyShare(), "localhost", ticket.ticket(), age, binderLength);
        await(offload.start(StartParameters.of(connectionId, TlsRole.CLIENT, suite)
                .ephemeral(group, keys.privateKey()).localKeyShare(keys.keyShare()).psk(ticket.psk())), "start (PSK)");
        int truncated = Tls13Messages.truncatedLength(clientHello, binderLength);
        byte[] binder = await(offload.pskBinder(connectionId, Arrays.copyOf(clientHello, truncated), null), "binder").output();
        System.arraycopy(binder, 0, clientHello, clientHello.length - binderLength, binderLength);
        writeRecord(ContentType.HANDSHAKE, 0x0301, clientHello);

        byte[] serverHello = readPlaintextHandshakeMessage();
        OffloadReply hello = await(offload.handshakeMessages(connectionId, concat(clientHello, serverHello)),
                "ClientHello and ServerHello (binder checked)");
        resumed = hello.progress() != null && serverAcceptedPsk(serverHello);
        finishHandshake(hello.handle(SecretKind.SERVER_HANDSHAKE_TRAFFIC), hello.handle(SecretKind.CLIENT_HANDSHAKE_TRAFFIC));
    }

    /** Whether the ServerHello carries pre_shared_key (the server took the PSK). */
    private static boolean serverAcceptedPsk(byte[] serverHello) {
        MessageReader r = new MessageReader(serverHello, 4, serverHello.length);
        r.skip(2 + 32);
        r.vector8();
        r.skip(3);
        MessageReader extensions = r.vector16();
        while (extensions.hasRemaining()) {
            int type = extensions.uint16();
            extensions.vector16();
            if (type == io.quiver.dataplane.offload.tls.handshake.ExtensionType.PRE_SHARED_KEY) {
                return true;
            }
        }
        return false;
    }

    /** Sends application data protected by the engine. */
    public void send(byte[] data) throws IOException {
        writeRaw(await(offload.seal(clientApplication, ContentType.APPLICATION_DATA, data), "seal data").output());
    }

    /**
     * Reads application data until {@code length} bytes arrived, opening each record with the engine; tickets that
     * arrive on the way become resumption PSKs held by the engine.
     */
    public byte[] receive(int length) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        while (data.size() < length) {
            OffloadReply opened = await(offload.open(serverApplication, readRecord()), "open server record");
            switch (opened.contentType()) {
                case ContentType.APPLICATION_DATA -> data.writeBytes(opened.output());
                case ContentType.HANDSHAKE -> tickets(opened.output());
                case ContentType.ALERT -> throw new IOException("alert from the server: " + Arrays.toString(opened.output()));
                default -> throw new IOException("unexpected content type " + opened.contentType());
            }
        }
        return data.toByteArray();
    }

    /** NewSessionTicket: ticket_lifetime, ticket_age_add, ticket_nonce, ticket, extensions. */
    private void tickets(byte[] messages) throws IOException {
        MessageReader r = new MessageReader(messages, 0, messages.length);
        while (r.hasRemaining()) {
            int type = r.uint8();
            MessageReader body = r.vector24();
            if (type != HandshakeType.NEW_SESSION_TICKET.code()) {
                continue;
            }
            body.skip(4); // lifetime
            long ageAdd = ((long) body.uint16() << 16) | body.uint16();
            byte[] nonce = body.vector8().rest();
            byte[] ticket = body.vector16().rest();
            OffloadReply psk = await(offload.resumptionPsk(connectionId, nonce), "ticket PSK");
            ticketPsks.add(psk.handle(SecretKind.RESUMPTION_PSK));
            tickets.add(new Ticket(ticket, ageAdd, System.nanoTime(), psk.handle(SecretKind.RESUMPTION_PSK)));
        }
    }

    /** close_notify under the client's application key. */
    public void closeNotify() throws IOException {
        writeRaw(await(offload.seal(clientApplication, ContentType.ALERT, new byte[] {1, 0}), "seal close_notify").output());
    }

    private static boolean endsWithFinished(byte[] messages) {
        int at = 0;
        int lastType = -1;
        while (messages.length - at >= 4) {
            int length = ((messages[at + 1] & 0xff) << 16) | ((messages[at + 2] & 0xff) << 8) | (messages[at + 3] & 0xff);
            if (messages.length - at < 4 + length) {
                return false;
            }
            lastType = messages[at] & 0xff;
            at += 4 + length;
        }
        return at == messages.length && lastType == HandshakeType.FINISHED.code();
    }

    private byte[] readPlaintextHandshakeMessage() throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        while (true) {
            byte[] record = readRecord();
            if ((record[0] & 0xff) == ContentType.ALERT) {
                throw new IOException("alert from the server: " + Arrays.toString(record));
            }
            if ((record[0] & 0xff) != ContentType.HANDSHAKE) {
                throw new IOException("expected a plaintext handshake record, got type " + record[0]);
            }
            buffer.write(record, 5, record.length - 5);
            byte[] b = buffer.toByteArray();
            if (b.length >= 4) {
                int length = ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
                if (b.length >= 4 + length) {
                    return Arrays.copyOf(b, 4 + length);
                }
            }
        }
    }

    private byte[] readRecord() throws IOException {
        byte[] header = new byte[5];
        in.readFully(header);
        int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
        byte[] record = Arrays.copyOf(header, 5 + length);
        in.readFully(record, 5, length);
        return record;
    }

    private void writeRecord(int type, int version, byte[] fragment) throws IOException {
        byte[] record = new byte[5 + fragment.length];
        record[0] = (byte) type;
        record[1] = (byte) (version >>> 8);
        record[2] = (byte) version;
        record[3] = (byte) (fragment.length >>> 8);
        record[4] = (byte) fragment.length;
        System.arraycopy(fragment, 0, record, 5, fragment.length);
        writeRaw(record);
    }

    private void writeRaw(byte[] record) throws IOException {
        out.write(record);
        out.flush();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        offload.close(connectionId);
    }
}
