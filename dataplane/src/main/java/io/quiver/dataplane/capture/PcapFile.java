package io.quiver.dataplane.capture;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Classic libpcap files (LINKTYPE_ETHERNET), the format DPDK's net_pcap, tcpdump and Wireshark read. A pcap file is
 * a 24-byte header and a 16-byte header per record; Quiver writes and reads them itself rather than pull in a
 * native libpcap binding for so little (see docs/decisions.md).
 */
public final class PcapFile {
    private static final int MAGIC_MICROS = 0xA1B2C3D4;
    private static final int MAGIC_NANOS = 0xA1B23C4D;
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int SNAPLEN = 65535;

    private PcapFile() {
    }

    /** Writes {@code frames} to {@code file}, one microsecond apart. */
    public static void write(Path file, List<byte[]> frames) throws IOException {
        try (Writer w = new Writer(Files.newOutputStream(file))) {
            long t = 0;
            for (byte[] f : frames) {
                w.write(f, t++);
            }
        }
    }

    /** Reads every frame of a pcap file (either byte order, micro- or nanosecond timestamps). */
    public static List<byte[]> read(Path file) throws IOException {
        return readTimed(file).stream().map(Record::frame).toList();
    }

    /** One frame and when it was captured (or sent, for DPDK's net_pcap TX): nanoseconds since the epoch. */
    public record Record(long nanos, byte[] frame) {
    }

    /** As {@link #read}, with each frame's timestamp. */
    public static List<Record> readTimed(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < 24) {
            throw new IOException(file + " is not a pcap file: " + b.remaining() + " bytes");
        }
        int magic = b.getInt(0);
        if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
            b.order(ByteOrder.BIG_ENDIAN);
            magic = b.getInt(0);
            if (magic != MAGIC_MICROS && magic != MAGIC_NANOS) {
                throw new IOException(file + " is not a pcap file (magic " + Integer.toHexString(magic) + ")");
            }
        }
        long fractionNanos = magic == MAGIC_NANOS ? 1 : 1000;
        b.position(24);
        List<Record> frames = new ArrayList<>();
        while (b.remaining() >= 16) {
            long seconds = Integer.toUnsignedLong(b.getInt());
            long fraction = Integer.toUnsignedLong(b.getInt());
            int captured = b.getInt();
            b.getInt();
            if (captured < 0 || captured > b.remaining()) {
                throw new IOException(file + ": truncated record at offset " + (b.position() - 16));
            }
            byte[] f = new byte[captured];
            b.get(f);
            frames.add(new Record(seconds * 1_000_000_000L + fraction * fractionNanos, f));
        }
        return frames;
    }

    /** Streams records to a file (per-VNIC capture, generated traffic). */
    public static final class Writer implements AutoCloseable {
        private final OutputStream out;
        private final ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);

        public Writer(OutputStream out) throws IOException {
            this.out = new BufferedOutputStream(out, 1 << 16);
            header.putInt(MAGIC_MICROS).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                    .putInt(SNAPLEN).putInt(LINKTYPE_ETHERNET);
            this.out.write(header.array(), 0, 24);
        }

        public void write(byte[] frame, long timestampMicros) throws IOException {
            write(frame, 0, frame.length, timestampMicros);
        }

        public void write(byte[] frame, int offset, int length, long timestampMicros) throws IOException {
            header.clear();
            int captured = Math.min(length, SNAPLEN);
            header.putInt((int) (timestampMicros / 1_000_000)).putInt((int) (timestampMicros % 1_000_000))
                    .putInt(captured).putInt(length);
            out.write(header.array(), 0, 16);
            out.write(frame, offset, captured);
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
