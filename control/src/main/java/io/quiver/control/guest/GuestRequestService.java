package io.quiver.control.guest;

import io.quiver.control.service.GuestRequestStats;
import io.quiver.control.service.QuiverService;
import io.quiver.control.service.ServiceException;
import io.quiver.dataplane.config.Defaults;
import io.quiver.dataplane.datapath.Datapath;
import io.quiver.dataplane.guest.GuestRequestSlot;
import io.quiver.dataplane.guest.GuestServiceAddress;
import io.quiver.dataplane.lcore.ThreadPlacement;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import io.quiver.dataplane.vnic.Vnic;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves guests' configuration requests: takes what the lcore handed over (the VNIC it arrived on is the
 * requester), rate-limits per VNIC, decodes, asks the service (policy check, commit, audit, live apply), and answers
 * "accepted" through the VNIC. A denied request is dropped (audited by the database), unless explicit denial replies
 * are enabled. Host-side changes are told to the guest as notifications.
 */
public final class GuestRequestService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GuestRequestService.class);

    private final QuiverService service;
    private final Datapath datapath;
    private final GuestRequestStats stats;
    private final RequestRateLimiter limiter;
    private final boolean explicitDenials;
    private final Thread thread;
    private volatile boolean running = true;
    private long lastMalformedLog;

    /**
     * @param ratePerSecond    requests per second per VNIC once the burst is spent
     * @param burst            requests a guest may send at once
     * @param explicitDenials  answer a denied request with a "denied" reply instead of dropping it
     * @param realtimePriority SCHED_FIFO priority of the service thread (1..99), 0 for normal scheduling: the
     *                         thread then runs as soon as the lcore wakes it, ahead of whatever else shares its CPU
     *                         (the rate limit bounds how much it can take)
     * @param cpu              the CPU the service thread runs on, or -1 for the daemon's main CPU ({@link #cpuFor}
     *                         chooses)
     */
    public record Settings(double ratePerSecond, int burst, boolean explicitDenials, int realtimePriority, int cpu) {
        public Settings {
            if (!(ratePerSecond > 0) || burst < 1) {
                throw new IllegalArgumentException("the guest request rate must be > 0 and the burst >= 1");
            }
            if (realtimePriority < 0 || realtimePriority > 99) {
                throw new IllegalArgumentException("the guest service's real-time priority must be 0 (off) or 1..99, not " + realtimePriority);
            }
            if (cpu < -1) {
                throw new IllegalArgumentException("the guest service's CPU must be a CPU number (or -1 for the main CPU), not " + cpu);
            }
        }

        /**
         * Where the service thread runs for a {@code --guest-service-cpu} choice: {@code main} (-1: the daemon's main
         * CPU), a CPU number, or {@code auto}. Auto picks the first lcore's CPU when the machine has no CPU besides the
         * lcores' and the main one: the main CPU then also runs the guests, and a request would wait for a guest's
         * kernel work to finish there (measured: the hand-off takes 35-40 us p50 on the main CPU against 5 us on the
         * lcore's, which the request preempts for about 15 us). With a CPU to spare, the main CPU is idle enough.
         */
        public static int cpuFor(String choice, List<Integer> lcoreCpus, int availableCpus) {
            return switch (choice) {
                case "main" -> -1;
                case "auto" -> availableCpus - lcoreCpus.size() <= 1 && !lcoreCpus.isEmpty() ? lcoreCpus.get(0) : -1;
                default -> {
                    try {
                        int cpu = Integer.parseInt(choice);
                        if (cpu >= 0) {
                            yield cpu;
                        }
                    } catch (NumberFormatException e) {
                        // the message below says what is accepted
                    }
                    throw new IllegalArgumentException("--guest-service-cpu takes auto, main or a CPU number, not '" + choice + "'");
                }
            };
        }

        public static Settings defaults() {
            return new Settings(GuestProtocol.DEFAULT_RATE_PER_SECOND, GuestProtocol.DEFAULT_BURST, GuestProtocol.DEFAULT_EXPLICIT_DENIALS,
                    GuestProtocol.DEFAULT_REALTIME_PRIORITY, -1);
        }
    }

    public GuestRequestService(QuiverService service, GuestRequestStats stats, Settings settings) {
        this.service = service;
        this.datapath = service.datapath();
        this.stats = stats;
        this.explicitDenials = settings.explicitDenials();
        this.limiter = new RequestRateLimiter(Defaults.MAX_VNICS, settings.ratePerSecond(), settings.burst());
        this.thread = new Thread(() -> run(settings), "quiver-guest-requests");
        this.thread.setDaemon(true);
        service.onNotification(this::notifyGuest);
        thread.start();
    }

    private void run(Settings settings) {
        if (settings.cpu() >= 0) {
            try {
                ThreadPlacement.pinCurrentThread(settings.cpu());
                LOG.info("guest request service: on CPU {}", settings.cpu());
            } catch (RuntimeException e) {
                LOG.warn("guest request service: stays on the main CPU: {}", e.getMessage());
            }
        }
        int realtimePriority = settings.realtimePriority();
        if (realtimePriority > 0) {
            String refused = ThreadPlacement.raiseToRealtime(realtimePriority);
            if (refused != null) {
                LOG.warn("guest request service: normal scheduling, so request latency follows the load on its CPU: {}", refused);
            } else {
                LOG.info("guest request service: SCHED_FIFO priority {}", realtimePriority);
            }
        }
        while (running) {
            try {
                datapath.guestRequests().poll((slot, seq, end) -> {
                    handle(slot);
                    return true;
                });
                datapath.guestRequests().await(TimeUnit.MILLISECONDS.toNanos(100));
            } catch (Exception e) {
                LOG.error("guest request service: {}", e.toString(), e);
            }
        }
    }

    void handle(GuestRequestSlot slot) {
        long dequeued = System.nanoTime();
        Optional<Vnic> from = datapath.vnicAt(slot.vnic);
        if (from.isEmpty()) {
            return; // the VNIC went away while its request waited
        }
        if (!limiter.tryAcquire(slot.vnic, System.nanoTime())) {
            stats.rateLimited++;
            return;
        }
        GuestRequest request;
        try {
            request = GuestCodec.decodeRequest(slot.payload, 0, slot.length);
        } catch (GuestProtocolException e) {
            stats.malformed++;
            long now = System.nanoTime();
            if (now - lastMalformedLog > TimeUnit.SECONDS.toNanos(10)) {
                lastMalformedLog = now;
                LOG.warn("VNIC {}: dropped a malformed configuration request: {}", from.get().name(), e.getMessage());
            }
            return;
        }
        GuestReply reply;
        if (request.op() == GuestRequest.Op.GET) {
            try {
                reply = GuestReply.accepted(request, service.guestRead(from.get(), request.parameter()));
            } catch (ServiceException e) {
                reply = GuestReply.error(request, "unknown-parameter", e.getMessage());
            } catch (RuntimeException e) {
                reply = GuestReply.error(request, GuestReply.INTERNAL, e.getMessage());
            }
        } else {
            QuiverService.GuestOutcome outcome;
            try {
                outcome = service.guestRequest(from.get(), request.parameter(), request.value());
            } catch (ServiceException e) {
                stats.denied++;
                if (explicitDenials) {
                    send(slot, GuestReply.denied(request, "conflict", e.getMessage()));
                }
                return;
            }
            if (!outcome.accepted()) {
                stats.denied++;
                if (explicitDenials) {
                    send(slot, GuestReply.denied(request, outcome.denial(), outcome.message()));
                }
                return;
            }
            // committed and live: the lcores use the new state from their next burst
            stats.recordAccepted(System.nanoTime() - slot.receivedNanos, dequeued - slot.receivedNanos, outcome.commitNanos(),
                    outcome.applyNanos());
            reply = GuestReply.accepted(request, outcome.value(), outcome.sequence());
        }
        send(slot, reply);
    }

    private void send(GuestRequestSlot slot, GuestMessage reply) {
        byte[] frame = GuestServiceAddress.frameTo(slot.sourceMac, slot.sourceIp, GuestServiceAddress.PORT, slot.sourcePort,
                GuestCodec.encode(reply));
        if (!datapath.injections().offer(slot.vnic, frame)) {
            LOG.warn("the injection queue is full: a reply to VNIC {} was lost", slot.vnic);
        }
    }

    private void notifyGuest(QuiverService.Notification n) {
        byte[] payload = GuestCodec.encode(new GuestNotification(n.sequence(), n.parameter(), n.value()));
        // to the guest's primary address before the change (it still has it), or broadcast when it had none
        for (String cidr : n.guestIps().isEmpty() ? java.util.List.of("255.255.255.255") : n.guestIps().subList(0, 1)) {
            int ip = UdpFrameBuilder.parseIpv4(cidr.substring(0, cidr.indexOf('/') < 0 ? cidr.length() : cidr.indexOf('/')));
            byte[] frame = GuestServiceAddress.frameTo(n.guestMac(), ip, GuestServiceAddress.PORT,
                    GuestServiceAddress.NOTIFY_PORT, payload);
            datapath.injections().offer(n.vnic().index(), frame);
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
