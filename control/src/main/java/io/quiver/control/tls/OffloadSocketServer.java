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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import io.quiver.dataplane.offload.tls.OffloadReply;
import io.quiver.dataplane.offload.tls.wire.WireReply;
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
    /** Room for a few whole frames: what a pipelining client's writes deliver to one read. */
    private static final int READ_BUFFER = 64 * 1024;
    /** How long an idle writer keeps looking for the next reply before it sleeps. */
    private static final long WRITER_PATIENCE_NANOS = 50_000;
    /** Replies are encoded into this much before one write: a burst of pipelined replies goes in one. */
    private static final int WRITE_BUFFER = 4 * 16_788;

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
            // platform threads: a blocking read or write goes straight to the kernel (a virtual thread parks and
            // registers with the poller for each); host clients are few, and each is limited anyway
            Thread.ofPlatform().daemon().name("quiver-tls-client-" + client.id).start(connection::read);
            Thread writer = Thread.ofPlatform().daemon().name("quiver-tls-reply-" + client.id).unstarted(connection::write);
            connection.writer = writer;
            writer.start();
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

    /** A reply, or the answer to HELLO, waiting for the writer. */
    private record Outgoing(OffloadReply reply, WireReply.Hello hello, int operationCode, int requestId) {
    }

    /** One client's socket: its reader, its writer and the replies queued between the worker and the writer. */
    private final class Connection {
        private static final Outgoing END = new Outgoing(null, null, 0, 0);
        private final SocketChannel socket;
        private final OffloadClient client;
        private final ConcurrentLinkedQueue<Outgoing> replies = new ConcurrentLinkedQueue<>();
        private volatile Thread writer;
        private volatile boolean writerParked;
        private final WireRequest frame = new WireRequest();
        private final OffloadRequest scratch = new OffloadRequest(OffloadWire.MAX_PAYLOAD);

        Connection(SocketChannel socket, OffloadClient client) {
            this.socket = socket;
            this.client = client;
        }

        void read() {
            // frames are parsed out of one buffer filled by as few reads as the client's writes allow: a pipelining
            // client's frames arrive many to a read
            ByteBuffer in = ByteBuffer.allocate(READ_BUFFER);
            OffloadFrontEnd.ReplySink sink = new OffloadFrontEnd.ReplySink() {
                @Override
                public void reply(OffloadReply reply, int operationCode, int requestId) {
                    queue(new Outgoing(reply, null, operationCode, requestId));
                }

                @Override
                public void hello(WireReply.Hello hello, int requestId) {
                    queue(new Outgoing(null, hello, OffloadWire.OP_HELLO, requestId));
                }
            };
            try {
                reading:
                while (socket.read(in) >= 0) {
                    in.flip();
                    while (in.remaining() >= OffloadWire.LENGTH_FIELD) {
                        int size = in.getInt(in.position());
                        if (size < OffloadWire.REQUEST_HEADER || size > OffloadWire.MAX_FRAME) {
                            frontEnd.unanswerable.increment();
                            client.refuse(FailureReason.MALFORMED_REQUEST);
                            LOG.debug("TLS offload client {} ({}): frame of {} bytes, connection closed", client.id,
                                    client.name, size);
                            break reading;
                        }
                        if (in.remaining() < OffloadWire.LENGTH_FIELD + size) {
                            break;
                        }
                        ByteBuffer body = in.slice(in.position() + OffloadWire.LENGTH_FIELD, size);
                        in.position(in.position() + OffloadWire.LENGTH_FIELD + size);
                        FailureReason decoded = frame.read(body, scratch);
                        frontEnd.serve(client, frame, decoded, scratch, null, sink);
                        scratch.reset(); // wipes a private key or PSK the request carried
                    }
                    int stale = in.limit();
                    in.compact();
                    // the frames consumed carried private keys: their bytes do not wait in the buffer for the next read
                    java.util.Arrays.fill(in.array(), in.position(), Math.max(in.position(), stale), (byte) 0);
                }
            } catch (IOException e) {
                // the client went away
            } finally {
                java.util.Arrays.fill(in.array(), (byte) 0); // the frames read carried private keys
                scratch.reset();
                awaitReplies();
                frontEnd.close(client);
                queue(END); // the writer sends what is queued before it, then closes
            }
        }

        /**
         * Called on the offload worker for each reply: no lock, and a wake-up only when the writer sleeps (under
         * load it finds the next replies queued when it is done writing the last ones).
         */
        private void queue(Outgoing item) {
            replies.offer(item);
            if (writerParked) {
                LockSupport.unpark(writer);
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
            ByteBuffer out = ByteBuffer.allocateDirect(WRITE_BUFFER);
            try {
                while (true) {
                    Outgoing next = replies.poll();
                    if (next == null) {
                        flush(out);
                        next = awaitReply();
                        if (next == null) {
                            continue;
                        }
                    }
                    if (next == END) {
                        flush(out);
                        closeQuietly();
                        return;
                    }
                    if (out.remaining() < WireReply.MAX_REPLY) {
                        flush(out);
                    }
                    if (next.hello() != null) {
                        WireReply.writeHello(next.hello(), next.requestId(), out);
                    } else {
                        WireReply.write(next.reply(), next.operationCode(), next.requestId(), out);
                    }
                }
            } catch (IOException e) {
                closeQuietly(); // the reader sees it and erases the client's sessions
            }
        }

        /**
         * The next reply, waited for: a little while without sleeping (under load the next one comes within tens of
         * microseconds, and a sleeping writer costs the offload worker a wake-up system call per reply, which was
         * half its time in this VM, measured), then parked until the worker unparks it. Null after a spurious wake.
         */
        private Outgoing awaitReply() {
            long until = System.nanoTime() + WRITER_PATIENCE_NANOS;
            do {
                Outgoing next = replies.poll();
                if (next != null) {
                    return next;
                }
                Thread.yield();
            } while (System.nanoTime() < until);
            writerParked = true;
            if (replies.isEmpty()) {
                LockSupport.park(this);
            }
            writerParked = false;
            return replies.poll();
        }

        /** One write for every reply encoded since the last. */
        private void flush(ByteBuffer out) throws IOException {
            out.flip();
            while (out.hasRemaining()) {
                socket.write(out);
            }
            out.clear();
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
