package io.quiver.dataplane.offload.tls.wire;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * A guest's way to the offload service: UDP datagrams to the appliance's service address, one frame each, through
 * the guest's own VNIC (the appliance knows the guest by the VNIC the datagram came in on, nothing else). A datagram
 * is not resent: a request lost on the way stays unanswered and the caller's timeout ends the connection.
 */
public final class DatagramOffloadChannel extends FramedOffloadChannel {
    /** A datagram lost on the way is given up after this long (the service answers in microseconds). */
    static final long REPLY_TIMEOUT_MILLIS = 5_000;
    private final DatagramChannel socket;
    private final ByteBuffer datagram = ByteBuffer.allocate(WireReply.MAX_REPLY);

    private DatagramOffloadChannel(DatagramChannel socket) {
        super(REPLY_TIMEOUT_MILLIS);
        this.socket = socket;
    }

    public static DatagramOffloadChannel connect(InetSocketAddress service) throws IOException {
        DatagramChannel socket = DatagramChannel.open();
        try {
            socket.connect(service);
            DatagramOffloadChannel channel = new DatagramOffloadChannel(socket);
            channel.begin("quiver-tls-guest " + service);
            return channel;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    protected void write(ByteBuffer frame) throws IOException {
        socket.write(frame);
    }

    @Override
    protected ByteBuffer readReply() throws IOException {
        while (true) {
            datagram.clear();
            int read;
            try {
                read = socket.read(datagram);
            } catch (java.nio.channels.ClosedChannelException e) {
                return null;
            }
            if (read < OffloadWire.LENGTH_FIELD + OffloadWire.REPLY_HEADER) {
                continue; // not a reply: ignored, as any stray datagram
            }
            datagram.flip();
            int size = datagram.getInt();
            if (size != datagram.remaining()) {
                continue;
            }
            return datagram.slice();
        }
    }

    @Override
    protected void closeTransport() throws IOException {
        socket.close();
    }
}
