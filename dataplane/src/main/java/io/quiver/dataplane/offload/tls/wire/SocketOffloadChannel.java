package io.quiver.dataplane.offload.tls.wire;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** A host process's way to the offload service: its Unix domain socket (mode and group say who may connect). */
public final class SocketOffloadChannel extends FramedOffloadChannel {
    private final SocketChannel socket;
    /** Filled by the reader thread alone; a reply's body is a slice of it, read before the next read. */
    private final ByteBuffer in = ByteBuffer.allocate(4 * WireReply.MAX_REPLY).flip();

    private SocketOffloadChannel(SocketChannel socket) {
        super(0);
        this.socket = socket;
    }

    /** Connects to the service's socket and asks for its limits. */
    public static SocketOffloadChannel connect(Path socketPath) throws IOException {
        SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            socket.connect(UnixDomainSocketAddress.of(socketPath));
            SocketOffloadChannel channel = new SocketOffloadChannel(socket);
            channel.begin("quiver-tls-client " + socketPath.getFileName());
            return channel;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    protected void write(ByteBuffer frame) throws IOException {
        while (frame.hasRemaining()) {
            socket.write(frame);
        }
    }

    @Override
    protected ByteBuffer readReply() throws IOException {
        // replies are cut out of one buffer that each read fills as far as the service has written
        while (true) {
            if (in.remaining() >= OffloadWire.LENGTH_FIELD) {
                int size = in.getInt(in.position());
                if (size < OffloadWire.REPLY_HEADER || size > WireReply.MAX_REPLY) {
                    throw new IOException("reply frame of " + size + " bytes");
                }
                if (in.remaining() >= OffloadWire.LENGTH_FIELD + size) {
                    ByteBuffer body = in.slice(in.position() + OffloadWire.LENGTH_FIELD, size);
                    in.position(in.position() + OffloadWire.LENGTH_FIELD + size);
                    return body;
                }
            }
            in.compact();
            int read = socket.read(in);
            in.flip();
            if (read < 0) {
                if (in.hasRemaining()) {
                    throw new EOFException("the offload service closed the socket inside a reply");
                }
                return null;
            }
        }
    }

    @Override
    protected void closeTransport() throws IOException {
        socket.close();
    }
}
