package io.quiver.control.tls;

import io.quiver.control.config.TlsOffloadOptions;
import io.quiver.dataplane.offload.tls.OffloadRequest;
import io.quiver.dataplane.offload.tls.protocol.FailureReason;
import io.quiver.dataplane.offload.tls.wire.OffloadWire;
import io.quiver.dataplane.offload.tls.wire.WireRequest;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offload service for host processes: a Unix domain socket whose mode and group say who may connect. Each
 * connection is one client, read by a thread of its own (pipelined frames, checked, then into the ring) and written
 * by another (the replies, in the order the engine produced them), so a client that reads slowly holds up only itself.
 * A frame whose length cannot be trusted ends the connection; its end erases the client's sessions.
 */
final class OffloadSocketServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OffloadSocketServer.class);

    private final OffloadFrontEnd frontEnd;
    private final TlsOffloadOptions options;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final Set<SocketChannel> connections = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;

    private OffloadSocketServer(OffloadFrontEnd frontEnd, TlsOffloadOptions options, ServerSocketChannel server) {
        this.frontEnd = frontEnd;
        this.options = options;
        this.server = server;
        this.acceptor = Thread.ofPlatform().daemon().name("quiver-tls-socket").unstarted(this::acceptLoop);
    }

    static OffloadSocketServer start(OffloadFrontEnd frontEnd, TlsOffloadOptions options) throws IOException {
        Path path = options.socket();
        Files.createDirectories(path.toAbsolutePath().getParent());
        if (Files.exists(path)) {
            if (!Files.isRegularFile(path) && !Files.isDirectory(path)) {
                Files.delete(path); // a socket left by a daemon that died: nobody listens on it any more
            } else {
                throw new IOException(path + " exists and is not a socket: choose another tls-offload.socket");
            }
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, permissions(options.socketMode()));
            if (options.socketGroup() != null) {
                GroupPrincipal group = path.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByGroupName(options.socketGroup());
                Files.getFileAttributeView(path, PosixFileAttributeView.class).setGroup(group);
            }
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(path);
            throw new IOException("tls-offload socket " + path + ": " + e.getMessage(), e);
        }
        OffloadSocketServer s = new OffloadSocketServer(frontEnd, options, server);
        s.acceptor.start();
        LOG.info("TLS offload service on {} (mode {}{})", path, Integer.toOctalString(options.socketMode()),
                options.socketGroup() == null ? "" : ", group " + options.socketGroup());
        return s;
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                out.add(bits[i]);
            }
        }
        return out;
    }

    private void acceptLoop() {
        while (running) {
            SocketChannel socket;
            try {
                socket = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (running) {
                    LOG.warn("TLS offload socket: accept failed: {}", e.getMessage());
                }
                continue;
            }
            connections.add(socket);
            OffloadClient client = frontEnd.open(OffloadClient.Kind.SOCKET, peer(socket), options.hostLimits());
            Connection connection = new Connection(socket, client);
            Thread.ofVirtual().name("quiver-tls-client-" + client.id).start(connection::read);
            Thread.ofVirtual().name("quiver-tls-reply-" + client.id).start(connection::write);
        }
    }

    private static String peer(SocketChannel socket) {
        try {
            UnixDomainPrincipal who = socket.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return "user " + who.user().getName() + " group " + who.group().getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "socket";
        }
    }

    /** One client's socket: its reader, its writer and the replies queued between the worker and the writer. */
    private final class Connection {
        private static final byte[] END = new byte[0];
        private final SocketChannel socket;
        private final OffloadClient client;
        private final LinkedBlockingQueue<byte[]> replies = new LinkedBlockingQueue<>();
        private final WireRequest frame = new WireRequest();
        private final OffloadRequest scratch = new OffloadRequest(OffloadWire.MAX_PAYLOAD);

        Connection(SocketChannel socket, OffloadClient client) {
            this.socket = socket;
            this.client = client;
        }

        void read() {
            ByteBuffer length = ByteBuffer.allocate(OffloadWire.LENGTH_FIELD);
            ByteBuffer body = ByteBuffer.allocate(OffloadWire.MAX_FRAME);
            OffloadFrontEnd.ReplySink sink = out -> {
                byte[] copy = new byte[out.remaining()];
                out.get(copy);
                replies.add(copy);
            };
            try {
                while (readFully(length.clear())) {
                    int size = length.getInt(0);
                    if (size < OffloadWire.REQUEST_HEADER || size > OffloadWire.MAX_FRAME) {
                        frontEnd.unanswerable.increment();
                        client.refuse(FailureReason.MALFORMED_REQUEST);
                        LOG.debug("TLS offload client {} ({}): frame of {} bytes, connection closed", client.id,
                                client.name, size);
                        break;
                    }
                    body.clear().limit(size);
                    if (!readFully(body)) {
                        break;
                    }
                    body.flip();
                    FailureReason decoded = frame.read(body, scratch);
                    frontEnd.serve(client, frame, decoded, scratch, null, sink);
                    scratch.reset(); // wipes a private key or PSK the request carried
                }
            } catch (IOException e) {
                // the client went away
            } finally {
                scratch.reset();
                awaitReplies();
                frontEnd.close(client);
                replies.add(END); // the writer sends what is queued before it, then closes
            }
        }

        /** The requests already in the ring are answered before the connection ends (bounded: a dead peer). */
        private void awaitReplies() {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
            while (client.pending.get() > 0 && System.nanoTime() < deadline && socket.isOpen()) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        void write() {
            try {
                while (true) {
                    byte[] next = replies.take();
                    if (next == END) {
                        closeQuietly();
                        return;
                    }
                    ByteBuffer out = ByteBuffer.wrap(next);
                    while (out.hasRemaining()) {
                        socket.write(out);
                    }
                }
            } catch (IOException | InterruptedException e) {
                closeQuietly(); // the reader sees it and erases the client's sessions
            }
        }

        private boolean readFully(ByteBuffer buffer) throws IOException {
            while (buffer.hasRemaining()) {
                if (socket.read(buffer) < 0) {
                    return false;
                }
            }
            return true;
        }

        private void closeQuietly() {
            connections.remove(socket);
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a socket that failed
            }
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
        for (SocketChannel socket : connections) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // the reader ends and erases the client
            }
        }
        try {
            acceptor.join(2_000);
            Files.deleteIfExists(options.socket());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warn("TLS offload socket {} not removed: {}", options.socket(), e.getMessage());
        }
    }
}
