package io.quiver.control.cli.admin;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code quiver capture}: a VNIC's or a port's traffic from the running daemon, written as pcapng to a file or to
 * standard output (docs/capture.md). Ends at its count or duration, or on Ctrl-C; what was written is a whole file
 * either way. The summary goes to standard error, as tcpdump's does.
 */
@Command(name = "capture", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Capture a VNIC's or a port's traffic to a pcapng file (tshark and Wireshark read it).",
                "A name that is both a VNIC and a port is taken as the VNIC; write port:NAME for the port.",
                "Example: quiver capture web1 --drops -c 100 -w - | tshark -r -"})
public final class CaptureCommand implements Callable<Integer> {
    @Mixin
    AdminCommands.Connection connection;

    @Parameters(paramLabel = "VNIC|PORT", description = "the VNIC or port to capture (vnic:NAME or port:NAME to say which)")
    String target;

    @Option(names = "--direction", defaultValue = "both", description = "in (what it receives), out (what it sends) or both; default: ${DEFAULT-VALUE}")
    String direction;

    @Option(names = "--drops", description = "also the frames Quiver drops on their way in or out, each with its reason as a comment")
    boolean drops;

    @Option(names = {"-c", "--count"}, paramLabel = "N", defaultValue = "0", description = "stop after N frames (0: no limit)")
    long count;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "0", description = "stop after this long (0: no limit)")
    double duration;

    @Option(names = {"-s", "--snaplen"}, paramLabel = "BYTES", description = "keep at most this much of each frame (default: whole frames)")
    Integer snaplen;

    @Option(names = "-w", paramLabel = "FILE", required = true, description = "where the pcapng goes: a file, or - for standard output")
    String file;

    @Override
    public Integer call() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("direction", direction);
        params.put("drops", Boolean.toString(drops));
        params.put("count", Long.toString(count));
        params.put("duration", Double.toString(duration));
        if (snaplen != null) {
            params.put("snaplen", Integer.toString(snaplen));
        }
        InputStream response = open(params);
        OutputStream out = file.equals("-") ? new FileOutputStream(FileDescriptor.out)
                : Files.newOutputStream(Path.of(file));
        BlockCopy copy = new BlockCopy(response, new BufferedOutputStream(out, 1 << 16), !file.equals("-"));
        Thread onInterrupt = new Thread(copy::interrupted, "capture-interrupted");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            copy.run();
        } finally {
            copy.finish();
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook prints the summary
            }
        }
        copy.report();
        return 0;
    }

    /** The capture's stream: the VNIC of that name, else the port, unless the target says which. */
    private InputStream open(Map<String, String> params) {
        if (target.startsWith("vnic:")) {
            return request("vnics", target.substring(5), params);
        }
        if (target.startsWith("port:")) {
            return request("ports", target.substring(5), params);
        }
        try {
            return request("vnics", target, params);
        } catch (ApiClient.ApiException e) {
            if (e.status != 404 || !e.getMessage().startsWith("no VNIC named")) {
                throw e;
            }
            try {
                return request("ports", target, params);
            } catch (ApiClient.ApiException p) {
                if (p.status == 404 && p.getMessage().startsWith("no port named")) {
                    throw new ApiClient.ApiException(404, "no VNIC or port named '" + target + "'");
                }
                throw p;
            }
        }
    }

    private InputStream request(String collection, String name, Map<String, String> params) {
        StringBuilder query = new StringBuilder();
        params.forEach((k, v) -> query.append(query.isEmpty() ? '?' : '&').append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return connection.client().stream(ApiClient.path("v1", collection, name, "capture") + query);
    }

    /**
     * Copies the stream a whole pcapng block at a time, so that a file cut short by Ctrl-C still ends on a block, and
     * counts what it copies: the frames, and the capture's own count of frames it lost (its last statistics block).
     */
    private static final class BlockCopy {
        private final InputStream in;
        private final OutputStream out;
        private final boolean toFile;
        private long frames;
        private long lost;
        private volatile boolean done;

        BlockCopy(InputStream in, OutputStream out, boolean toFile) {
            this.in = in;
            this.out = out;
            this.toFile = toFile;
        }

        void run() throws IOException {
            byte[] header = new byte[8];
            while (true) {
                try {
                    if (in.readNBytes(header, 0, 8) < 8) {
                        return;
                    }
                } catch (IOException e) {
                    if (done) {
                        return;
                    }
                    throw e;
                }
                ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
                int type = h.getInt(0);
                int length = h.getInt(4);
                if (length < 12 || length > (1 << 24)) {
                    throw new IOException("the daemon sent a block of " + length + " bytes: not pcapng");
                }
                byte[] rest = in.readNBytes(length - 8);
                if (rest.length < length - 8) {
                    throw new EOFException("the capture stream ended inside a block");
                }
                synchronized (this) {
                    out.write(header);
                    out.write(rest);
                    if (type == 6) {
                        frames++;
                    } else if (type == 5) {
                        lost = osdrop(rest);
                        out.flush();
                    }
                    if (in.available() == 0) {
                        out.flush();
                    }
                }
            }
        }

        /** isb_osdrop of a statistics block's body (after its type and length). */
        private static long osdrop(byte[] body) {
            ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
            int at = 12; // interface id, timestamp
            while (at + 4 <= body.length - 4) {
                int code = b.getShort(at) & 0xFFFF;
                int len = b.getShort(at + 2) & 0xFFFF;
                if (code == 0) {
                    break;
                }
                if (code == 7 && len == 8) {
                    return b.getLong(at + 4);
                }
                at += 4 + ((len + 3) & ~3);
            }
            return 0;
        }

        synchronized void finish() throws IOException {
            done = true;
            out.flush();
            if (toFile) {
                out.close();
            }
        }

        /**
         * Ctrl-C: what was copied is whole blocks; flush it and say how much. The stream is left alone: the main
         * thread may be blocked reading it, holding its lock, and the process ends anyway.
         */
        void interrupted() {
            try {
                finish();
            } catch (IOException e) {
                // the summary still says what was copied
            }
            report();
        }

        private boolean reported;

        /** The summary, once: on Ctrl-C both the hook and the interrupted copy get here. */
        synchronized void report() {
            if (!reported) {
                reported = true;
                System.err.println(summary());
            }
        }

        String summary() {
            return frames + " frame(s) captured" + (lost > 0 ? ", " + lost + " lost (the capture's ring was full)" : "");
        }
    }
}
