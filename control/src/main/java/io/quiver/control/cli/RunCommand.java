package io.quiver.control.cli;

import io.quiver.configstore.Durability;
import io.quiver.control.config.ConfigFile;
import io.quiver.control.config.EmbeddedDefault;
import io.quiver.control.daemon.Daemon;
import io.quiver.control.guest.GuestProtocol;
import io.quiver.control.guest.GuestRequestService;
import io.quiver.control.rest.ApiTokenFile;
import io.quiver.dataplane.datapath.Datapath;
import io.quiver.dataplane.runtime.ServiceReadiness;
import io.quiver.dataplane.lcore.CpuWakeLatency;
import io.quiver.dataplane.runtime.DpdkRuntime;
import io.quiver.dataplane.runtime.EalOptions;
import io.quiver.dataplane.runtime.FileTrees;
import io.quiver.dataplane.xconnect.CrossConnect;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/** {@code quiver run}: start the dataplane and print live counters until Ctrl-C (SIGINT) or SIGTERM. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Start the dataplane and its daemon, and print live counters until Ctrl-C or SIGTERM.",
                "Without --config it runs the embedded default: four VNICs on one net_pcap guest port replaying",
                "their traffic to each other (a quarter of it with a forged source MAC, which is dropped), a net_null",
                "uplink, the REST API and the CLI verbs against it (no NIC, no hugepages)."})
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration (see docs/configuration.md)")
    Path config;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "stop by itself after this many seconds (default: run until stopped)")
    Integer duration;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1", description = "seconds between counter lines (default: ${DEFAULT-VALUE})")
    int interval;

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "text",
            description = "the log on stderr as text, or as one JSON object per line for log shippers (default: ${DEFAULT-VALUE})")
    String logFormat;

    @Option(names = "--log-level", paramLabel = "LEVEL|PACKAGE=LEVEL,...", defaultValue = "${env:QUIVER_LOG_LEVEL:-info}",
            description = "the log's level, and levels per package: info,io.quiver.dataplane=debug,dpdk=warn"
                    + " (dpdk is DPDK's own log; default: $QUIVER_LOG_LEVEL or info)")
    String logLevel;

    @Option(names = "--file-prefix", paramLabel = "PREFIX", description = "EAL runtime folder name (default: quiver-<pid>)")
    String filePrefix;

    @Option(names = "--cpu", paramLabel = "CPU", defaultValue = "1", description = "forwarding CPU for the embedded default (default: ${DEFAULT-VALUE})")
    int cpu;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "the VNIC configuration database and daemon state (default: /var/lib/quiver; a temporary one for the embedded default)")
    Path stateDir;

    @Option(names = "--api", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9696",
            description = "where the REST API listens (default: ${DEFAULT-VALUE}); beyond loopback it needs --api-token-file")
    String api;

    @Option(names = "--api-token-file", paramLabel = "FILE", description = "the bearer token every REST call must carry, "
            + "loopback included; a new random one is written there (mode 600) when FILE does not exist, and a FILE other users may read is refused")
    Path apiTokenFile;

    @Option(names = "--store-durability", paramLabel = "power-loss|process", defaultValue = "power-loss",
            description = "what an acknowledged change survives: power-loss (the journal is on disk before the change is "
                    + "acknowledged; a disk flush per change) or process (the page cache: kill -9, not a power cut; microseconds) "
                    + "(default: ${DEFAULT-VALUE})")
    String storeDurability;

    @Option(names = "--guest-rate", paramLabel = "PER_SECOND", defaultValue = "1",
            description = "configuration requests a guest may send per second, per VNIC (default: ${DEFAULT-VALUE})")
    double guestRate;

    @Option(names = "--guest-burst", paramLabel = "N", defaultValue = "10",
            description = "requests a guest may send at once before the rate applies (default: ${DEFAULT-VALUE})")
    int guestBurst;

    @Option(names = "--guest-service-priority", paramLabel = "PRIO", defaultValue = "" + GuestProtocol.DEFAULT_REALTIME_PRIORITY,
            description = "SCHED_FIFO priority (1..99) of the thread serving guest requests, 0 for normal scheduling; needs root or CAP_SYS_NICE (default: ${DEFAULT-VALUE})")
    int guestServicePriority;

    @Option(names = "--guest-service-cpu", paramLabel = "auto|main|CPU", defaultValue = "auto",
            description = "the CPU serving guest requests: 'main' (the daemon's main CPU), a CPU number, or 'auto': the first lcore's CPU "
                    + "when no CPU is left besides the lcores' and the main one (the guests then share the main CPU), else the main CPU. "
                    + "On an lcore's CPU each request preempts that lcore for its service time, about 15 us (default: ${DEFAULT-VALUE})")
    String guestServiceCpu;

    @Option(names = "--cpu-wake-latency-us", paramLabel = "US|off", defaultValue = "0",
            description = "hold a CPU latency QoS request while running: idle CPUs wake within US microseconds (0: they poll), so a "
                    + "guest request's service thread starts in a few us instead of tens; 'off' lets CPUs sleep deeply (default: ${DEFAULT-VALUE})")
    String cpuWakeLatency;

    @Option(names = "--reset-state", description = "start from the configuration file alone: stored VNICs, run-time changes and guest "
            + "policies the file does not give are dropped (audited); without it, run-time changes persist unless the file changed that parameter")
    boolean resetState;

    @Option(names = "--guest-denial-replies", description = "answer a guest's denied request with a 'denied' reply (default: drop it silently, audited)")
    boolean denialReplies;

    private final CountDownLatch stop = new CountDownLatch(1);

    /** Prints counter lines until stopped, then stops the loops and prints the final totals. */
    private void report(PrintWriter out, DpdkRuntime dataplane, Datapath datapath) throws InterruptedException {
        CounterReport report = new CounterReport(dataplane, datapath);
        out.println(report.header());
        out.flush();
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(duration);
        while (!stop.await(interval, TimeUnit.SECONDS)) {
            out.println(report.line());
            out.flush();
            dataplane.loops().stream().filter(l -> l.failure() != null).findFirst().ifPresent(l -> {
                throw new IllegalStateException("lcore " + l.name() + " failed: " + l.failure());
            });
            if (System.nanoTime() >= deadline) {
                break;
            }
        }
        out.println("quiver: stopping");
        dataplane.stopLoops();
        out.println(report.totals());
        out.flush();
    }

    /** The requested wake-up limit in microseconds, -1 for off. */
    private int wakeLatencyMicros() {
        if ("off".equals(cpuWakeLatency)) {
            return -1;
        }
        try {
            int micros = Integer.parseInt(cpuWakeLatency);
            if (micros >= 0) {
                return micros;
            }
        } catch (NumberFormatException e) {
            // the message below says what is accepted
        }
        throw new IllegalArgumentException("--cpu-wake-latency-us takes microseconds (0 or more) or 'off', not '" + cpuWakeLatency + "'");
    }


    private Durability durability() {
        return switch (storeDurability) {
            case "power-loss" -> Durability.POWER_LOSS;
            case "process" -> Durability.PROCESS;
            default -> throw new IllegalArgumentException("--store-durability is power-loss or process, not '" + storeDurability + "'");
        };
    }

    @Override
    public Integer call() throws Exception {
        try { // first: what starts next logs in the asked form
            LogSettings.apply(logFormat, LogSettings.levels(logLevel));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (interval < 1) {
            throw new IllegalArgumentException("--interval must be at least 1 second");
        }
        int wakeMicros = wakeLatencyMicros(); // before anything starts: a typo stops the run instead of running untuned
        GuestRequestService.Settings.cpuFor(guestServiceCpu, java.util.List.of(), 1); // likewise for the placement
        int cpusAllowed = Runtime.getRuntime().availableProcessors(); // now: the EAL pins this thread to one CPU when it starts
        Path workDir = Files.createTempDirectory("quiver-run");
        workDir.toFile().deleteOnExit();
        ConfigFile.Loaded loaded;
        if (config != null) {
            loaded = ConfigFile.loadAny(config);
        } else {
            var demo = EmbeddedDefault.config(workDir, EalOptions.virtualDefaults(), cpu);
            loaded = new ConfigFile.Loaded(demo, null);
            if (stateDir == null) {
                stateDir = workDir.resolve("state"); // the demo's database goes with it
            }
        }
        if (stateDir == null) {
            stateDir = Path.of("/var/lib/quiver");
        }
        workDir.resolve("demo-traffic.pcap").toFile().deleteOnExit();
        Path demoDir = workDir;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                FileTrees.delete(demoDir);
            } catch (java.io.UncheckedIOException ignored) {
                // a temporary folder: best effort at exit
            }
        }, "quiver-demo-cleanup"));
        if (filePrefix != null) {
            loaded = loaded.withFilePrefix(filePrefix);
        }
        PrintWriter out = spec.commandLine().getOut();
        // Handle the signals ourselves: the loops stop, the ports close, the EAL is cleaned up, and the exit code is 0.
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        if (loaded.isDatapath()) {
            int colon = api.lastIndexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("--api must be HOST:PORT, not '" + api + "'");
            }
            ApiTokenFile.Served served = apiTokenFile == null ? null : ApiTokenFile.serve(apiTokenFile);
            String token = served == null ? null : served.token();
            if (served != null && served.created()) {
                out.printf("quiver: wrote a new API token to %s; clients read it with QUIVER_TOKEN_FILE=%s or --token-file%n",
                        apiTokenFile, apiTokenFile);
            }
            try (CpuWakeLatency wake = wakeMicros < 0 ? CpuWakeLatency.none() : CpuWakeLatency.hold(wakeMicros);
                 Daemon daemon = Daemon.start(loaded.datapath(), new Daemon.Options(stateDir, api.substring(0, colon),
                    Integer.parseInt(api.substring(colon + 1)), token,
                    new GuestRequestService.Settings(guestRate, guestBurst, denialReplies, guestServicePriority,
                            GuestRequestService.Settings.cpuFor(guestServiceCpu, loaded.datapath().cpus(), cpusAllowed)),
                    loaded.guestPolicies(), resetState, loaded.interfaces(), loaded.fabric(), loaded.tlsOffload(), QuiverCli::capture,
                    durability()))) {
                Datapath datapath = daemon.datapath();
                Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "quiver-shutdown"));
                out.printf("quiver: REST API on http://%s:%d/, state in %s; try 'bin/quiver show-vnic' in another terminal%n",
                        api.substring(0, colon), daemon.apiPort(), stateDir);
                out.printf("quiver: running %s: %d VNIC(s), uplink %s, %s classifier (%s), %s threading; Ctrl-C stops%n",
                        config == null ? "the embedded default (guests replaying traffic to each other over a net_pcap port, a quarter forged)"
                                : config, datapath.vnics().size(), datapath.config().uplink(), datapath.classifierName(),
                        datapath.classifierReason(), datapath.config().mode().name().toLowerCase(java.util.Locale.ROOT));
                out.println("quiver: " + wake.describe());
                if (ServiceReadiness.ready(datapath.vnics().size() + " VNIC(s), REST API on port " + daemon.apiPort())) {
                    out.println("quiver: told the service manager it is ready");
                }
                report(out, datapath.runtime(), datapath);
                ServiceReadiness.stopping();
            }
        } else {
            try (CrossConnect crossConnect = CrossConnect.start(loaded.crossConnect())) {
                Runtime.getRuntime().addShutdownHook(new Thread(crossConnect::close, "quiver-shutdown"));
                out.println("quiver: running " + config + " (port-to-port cross-connects); Ctrl-C stops");
                report(out, crossConnect.runtime(), null);
            }
        }
        out.println("quiver: stopped");
        out.flush();
        return 0;
    }
}
