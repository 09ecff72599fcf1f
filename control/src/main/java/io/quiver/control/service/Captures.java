package io.quiver.control.service;

import io.quiver.dataplane.capture.CaptureFilter;
import io.quiver.dataplane.capture.CaptureSession;
import io.quiver.dataplane.capture.CaptureTap;
import io.quiver.dataplane.capture.PcapngWriter;
import io.quiver.dataplane.datapath.Datapath;
import io.quiver.dataplane.port.Port;
import io.quiver.dataplane.vnic.Vnic;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Packet capture of a VNIC or a port while the datapath runs (docs/capture.md): a request's parameters checked, the
 * tap attached where the lcores count, its frames streamed as pcapng to whoever asked, the tap detached when the
 * capture ends. A few captures at a time; each VNIC or port has one at most.
 */
public final class Captures {
    private static final Logger LOG = LoggerFactory.getLogger(Captures.class);
    /** Captures running at once: each holds a thread and a ring of {@link #RING_SLOTS} frames. */
    public static final int MAX_ACTIVE = 4;
    /** Frames a capture's ring holds; the writer drains it at least every 200 us. */
    static final int RING_SLOTS = 4096;
    /** The longest capture one request may ask for. */
    static final long MAX_SECONDS = 7 * 24 * 3600;

    /** What is captured. */
    public enum Kind { VNIC, PORT }

    /** How long a write may block before the reader counts as gone (it stopped reading: a pager, Ctrl-Z). */
    static final long STALL_NANOS = 10_000_000_000L;

    private final Datapath datapath;
    private final Semaphore slots = new Semaphore(MAX_ACTIVE);
    private final java.util.Set<Capture> active = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * Ends the captures whose reader stopped reading. The server's writes block without a timeout, and a capture stuck
     * in one would keep its slot, its thread and its tap (the lcores copying into a full ring) for good: interrupting
     * the blocked write closes its channel, and the capture ends as if the reader had left.
     */
    private final java.util.concurrent.ScheduledExecutorService watchdog = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "quiver-capture-watchdog");
        t.setDaemon(true);
        return t;
    });

    public Captures(Datapath datapath) {
        this.datapath = datapath;
        watchdog.scheduleAtFixedRate(() -> active.forEach(c -> c.checkStalled(System.nanoTime())), 1, 1,
                java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Stops watching (the REST API is closing). */
    public void close() {
        watchdog.shutdownNow();
    }

    /** A capture attached and running into its ring: stream it once, then close it. */
    public final class Capture implements AutoCloseable {
        private final String label;
        private final String description;
        private final CaptureTap tap;
        private final AutoCloseable detach;
        private final long count;
        private final long durationNanos;
        private final BooleanSupplier targetLives;
        private final String who;
        private boolean closed;
        /** When the write in progress began (System.nanoTime), 0 when none is. */
        private volatile long writingSince;
        private volatile Thread streamer;
        private volatile boolean stalled;

        private Capture(String label, String description, CaptureTap tap, AutoCloseable detach, long count, long durationNanos,
                        BooleanSupplier targetLives, String who) {
            this.label = label;
            this.description = description;
            this.tap = tap;
            this.detach = detach;
            this.count = count;
            this.durationNanos = durationNanos;
            this.targetLives = targetLives;
            this.who = who;
        }

        /**
         * Writes the capture to {@code out} as pcapng until it has its count, its time is up, the reader leaves or its
         * VNIC or port is removed.
         */
        public CaptureSession.Summary streamTo(OutputStream out) throws IOException {
            streamer = Thread.currentThread();
            OutputStream watched = new java.io.FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    writingSince = System.nanoTime();
                    try {
                        out.write(b, off, len);
                    } finally {
                        writingSince = 0;
                    }
                }

                @Override
                public void flush() throws IOException {
                    writingSince = System.nanoTime();
                    try {
                        out.flush();
                    } finally {
                        writingSince = 0;
                    }
                }
            };
            PcapngWriter w = new PcapngWriter(watched, "Quiver");
            int iface = w.addInterface(label, description, tap.filter().snaplen());
            w.flush(); // the reader sees the header at once, even before the first frame
            CaptureSession.Summary s = CaptureSession.run(tap, w, iface, count, durationNanos, targetLives);
            LOG.info("capture of {} for {} ended ({}): {} frame(s), {} lost", label, who, endOf(s.end()), s.captured(), s.lost());
            return s;
        }

        private String endOf(CaptureSession.End end) {
            return switch (end) {
                case COUNT -> "count reached";
                case DURATION -> "duration reached";
                case STOPPED -> stalled ? "the reader stopped reading for " + STALL_NANOS / 1_000_000_000L + " s"
                        : "the " + label.substring(0, label.indexOf(':')) + " was removed";
                case READER_GONE -> stalled ? "the reader stopped reading for " + STALL_NANOS / 1_000_000_000L + " s" : "the reader left";
            };
        }

        /** The watchdog's look: a write blocked for {@link #STALL_NANOS} is interrupted, which closes its channel. */
        void checkStalled(long now) {
            long since = writingSince;
            Thread t = streamer;
            if (since != 0 && now - since > STALL_NANOS && t != null && !stalled) {
                stalled = true;
                t.interrupt();
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            active.remove(this);
            if (Thread.currentThread() == streamer) {
                Thread.interrupted(); // the watchdog's interrupt, if any, ends with the capture: the thread serves others next
            }
            try {
                detach.close();
            } catch (Exception e) {
                LOG.warn("capture of {}: detaching failed", label, e);
            } finally {
                slots.release();
            }
        }
    }

    /**
     * Starts capturing {@code name}, as {@code params} ask: {@code direction} (in, out, both; both by default),
     * {@code drops} (true/false), {@code count} (0: no limit), {@code duration} (seconds, may have decimals; 0: no
     * limit), {@code snaplen} (bytes, whole frames by default).
     *
     * @throws ServiceException 400 for a bad parameter, 404 for no such VNIC or port, 409 when it is captured already
     *                          or {@link #MAX_ACTIVE} captures run
     */
    public Capture open(Kind kind, String name, Map<String, String> params, String who) {
        for (String p : params.keySet()) {
            if (!java.util.Set.of("direction", "drops", "count", "duration", "snaplen", "access_token").contains(p)) {
                throw ServiceException.badRequest("unknown capture parameter '" + p + "' (direction, drops, count, duration, snaplen)");
            }
        }
        CaptureFilter filter;
        try {
            filter = CaptureFilter.of(params.getOrDefault("direction", "both"), bool(params, "drops"),
                    (int) Math.min(Integer.MAX_VALUE, number(params, "snaplen", CaptureFilter.MAX_SNAPLEN, 1, Integer.MAX_VALUE)));
        } catch (IllegalArgumentException e) {
            throw ServiceException.badRequest(e.getMessage());
        }
        long count = number(params, "count", 0, 0, Long.MAX_VALUE);
        long durationNanos = duration(params.get("duration"));
        if (!slots.tryAcquire()) {
            throw ServiceException.conflict(MAX_ACTIVE + " captures are running already: end one first");
        }
        Capture c;
        try {
            CaptureTap tap = new CaptureTap(filter, RING_SLOTS);
            c = kind == Kind.VNIC ? vnic(name, tap, count, durationNanos, who) : port(name, tap, count, durationNanos, who);
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
        try {
            active.add(c);
            LOG.info("capture of {} for {} started: {}{}, snaplen {}{}{}", c.label, who, filter.direction(),
                    filter.drops() ? " with drops" : "", filter.snaplen(), count > 0 ? ", " + count + " frame(s)" : "",
                    durationNanos > 0 ? ", " + durationNanos / 1e9 + " s" : "");
            return c;
        } catch (RuntimeException e) {
            c.close(); // detaches and gives the slot back
            throw e;
        }
    }

    private Capture vnic(String name, CaptureTap tap, long count, long durationNanos, String who) {
        Vnic v;
        try {
            v = datapath.vnic(name);
        } catch (IllegalArgumentException e) {
            throw ServiceException.notFound("no VNIC named '" + name + "'");
        }
        String description = "Quiver VNIC " + name + " on port " + v.port() + ", MAC " + v.config().mac();
        AutoCloseable detach = attach(() -> datapath.captureVnic(name, tap)); // last: nothing after it can fail
        return new Capture("vnic:" + name, description, tap, detach, count, durationNanos,
                () -> datapath.vnicAt(v.index()).orElse(null) == v, who);
    }

    private Capture port(String name, CaptureTap tap, long count, long durationNanos, String who) {
        Port p = datapath.ports().get(name);
        if (p == null) {
            throw ServiceException.notFound("no port named '" + name + "' (ports: " + datapath.ports().keySet() + ")");
        }
        String description = "Quiver port " + name + " (" + p.driver() + ")";
        AutoCloseable detach = attach(() -> datapath.capturePort(name, tap)); // last: nothing after it can fail
        return new Capture("port:" + name, description, tap, detach, count, durationNanos,
                () -> datapath.ports().get(name) == p, who);
    }

    private static AutoCloseable attach(java.util.function.Supplier<AutoCloseable> attach) {
        try {
            return attach.get();
        } catch (IllegalStateException e) {
            throw ServiceException.conflict(e.getMessage());
        } catch (IllegalArgumentException e) { // removed since it was looked up
            throw ServiceException.notFound(e.getMessage());
        }
    }

    private static boolean bool(Map<String, String> params, String name) {
        String v = params.getOrDefault(name, "false");
        return switch (v) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw ServiceException.badRequest("'" + name + "' is true or false, not '" + v + "'");
        };
    }

    private static long number(Map<String, String> params, String name, long fallback, long min, long max) {
        String v = params.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw ServiceException.badRequest("'" + name + "' is " + min + ".." + max + ", not " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ServiceException.badRequest("'" + name + "' must be a whole number, not '" + v + "'");
        }
    }

    private static long duration(String v) {
        if (v == null) {
            return 0;
        }
        double seconds;
        try {
            seconds = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw ServiceException.badRequest("'duration' is in seconds, not '" + v + "'");
        }
        if (!(seconds >= 0 && seconds <= MAX_SECONDS)) {
            throw ServiceException.badRequest("'duration' is 0.." + MAX_SECONDS + " seconds, not " + v);
        }
        return (long) (seconds * 1e9);
    }
}
