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
    private final ByteBuffer length = ByteBuffer.allocate(OffloadWire.LENGTH_FIELD);
    private final ByteBuffer body = ByteBuffer.allocate(WireReply.MAX_REPLY);

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
        length.clear();
        if (!readFully(length)) {
            return null;
        }
        int size = length.getInt(0);
        if (size < OffloadWire.REPLY_HEADER || size > body.capacity()) {
            throw new IOException("reply frame of " + size + " bytes");
        }
        body.clear().limit(size);
        if (!readFully(body)) {
            throw new EOFException("the offload service closed the socket inside a reply");
        }
        return body.flip();
    }

    private boolean readFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (socket.read(buffer) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected void closeTransport() throws IOException {
        socket.close();
    }
}
