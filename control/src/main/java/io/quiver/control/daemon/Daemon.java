package io.quiver.control.daemon;

import io.quiver.control.fabric.FabricDirectory;
import io.quiver.control.config.FabricOptions;
import io.quiver.control.config.TlsOffloadOptions;
import io.quiver.control.tls.TlsOffloadService;
import io.quiver.control.guest.GuestRequestService;
import io.quiver.control.rest.RestApi;
import io.quiver.control.service.GuestRequestStats;
import io.quiver.control.host.TapPlacement;
import io.quiver.control.service.QuiverService;
import io.quiver.dataplane.datapath.Datapath;
import io.quiver.dataplane.port.GuestInterface;
import io.quiver.dataplane.vnic.AttachedVnic;
import io.quiver.dataplane.datapath.DatapathConfig;
import io.quiver.configstore.Durability;
import io.quiver.configstore.StoreOptions;
import io.quiver.configstore.files.OwnerOnly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The appliance: the datapath, the configuration database and the service over it, the REST API, the guest request
 * service. Started in that order, closed in reverse.
 */
public final class Daemon implements AutoCloseable {
    private final Datapath datapath;
    private final QuiverService service;
    private final RestApi api;
    private final GuestRequestService guests;
    private final FabricDirectory fabric;
    private final TlsOffloadService tlsOffload;
    private boolean closed;

    private Daemon(Datapath datapath, QuiverService service, RestApi api, GuestRequestService guests, FabricDirectory fabric,
                   TlsOffloadService tlsOffload) {
        this.tlsOffload = tlsOffload;
        this.datapath = datapath;
        this.service = service;
        this.api = api;
        this.guests = guests;
        this.fabric = fabric;
    }

    /**
     * How the daemon runs, beyond what the datapath is.
     *
     * @param stateDir      the configuration database and daemon state
     * @param apiHost       where the REST API listens (loopback by default)
     * @param apiPort       0 picks a free port
     * @param token         the bearer token, required beyond loopback
     * @param filePolicies  the guest policies the configuration file gives, by VNIC
     * @param resetState    start from the configuration file alone (the database forgets run-time changes)
     * @param interfaces    the VNICs whose guests Quiver attaches itself (a VM's vhost-user, a container's TAP), by VNIC
     * @param fabric        the fabric this appliance joins (docs/fabric.md); null: it runs alone
     * @param tlsOffload    the TLS handshake offload service (docs/tls-offload.md); null: none
     * @param durability    what an acknowledged change survives (docs/configstore.md)
     */
    public record Options(Path stateDir, String apiHost, int apiPort, String token, GuestRequestService.Settings guestSettings,
                          Map<String, String> filePolicies, boolean resetState, Map<String, GuestInterface> interfaces,
                          FabricOptions fabric, TlsOffloadOptions tlsOffload, io.quiver.control.rest.ClientVerbs clientVerbs,
                          Durability durability) {
        public Options {
            filePolicies = Map.copyOf(filePolicies == null ? Map.of() : filePolicies);
            interfaces = Map.copyOf(interfaces == null ? Map.of() : interfaces);
            durability = durability == null ? StoreOptions.DEFAULT_DURABILITY : durability;
        }

        public Options(Path stateDir, String apiHost, int apiPort, String token, GuestRequestService.Settings guestSettings,
                       Map<String, String> filePolicies, boolean resetState) {
            this(stateDir, apiHost, apiPort, token, guestSettings, filePolicies, resetState, Map.of(), null, null, null, null);
        }
    }

    /**
     * Opens the database and reconciles it with the configuration file's VNICs first, then starts the datapath with
     * the VNICs as the database holds them, so no packet is forwarded under values the database then overrides.
     */
    public static Daemon start(DatapathConfig config, Options options) throws IOException {
        Path stateDir = options.stateDir();
        OwnerOnly.directory(stateDir);
        config = QuiverService.aggregationAtStart(stateDir, config, options.resetState());
        QuiverService.Prepared prepared = QuiverService.prepare(stateDir, config.vnics(), options.filePolicies(),
                config.runtime().portNames(), options.resetState(), config.vnses(), config.vnsRoutes(), config.priority().levels(),
                StoreOptions.defaults().withDurability(options.durability()));
        Datapath datapath;
        try {
            options.interfaces().forEach((vnic, attach) -> {
                if (attach instanceof GuestInterface.Tap tap) {
                    TapPlacement.check(vnic, tap);
                }
            });
            datapath = Datapath.start(config.withVnics(prepared.vnics()).withVnses(prepared.vnses(), prepared.routes())
                    .withPriority(config.priority().withLevels(prepared.subscriptions())));
        } catch (RuntimeException e) {
            prepared.close();
            throw e;
        }
        try {
            for (AttachedVnic v : prepared.vnics()) {
                if (options.interfaces().get(v.config().name()) instanceof GuestInterface.Tap tap) {
                    TapPlacement.place(tap, v.config());
                }
            }
        } catch (RuntimeException e) {
            datapath.close();
            prepared.close();
            throw e;
        }
        String apiHost = options.apiHost();
        int apiPort = options.apiPort();
        String token = options.token();
        GuestRequestService.Settings guestSettings = options.guestSettings();
        QuiverService service = null;
        RestApi api = null;
        GuestRequestService guests = null;
        FabricDirectory fabric = null;
        TlsOffloadService tlsOffload = null;
        try {
            service = QuiverService.over(datapath, prepared);
            if (options.fabric() != null) {
                fabric = FabricDirectory.start(datapath, options.fabric());
                service.publishVnicsTo(fabric);
            }
            GuestRequestStats guestStats = new GuestRequestStats();
            guests = new GuestRequestService(service, guestStats, guestSettings);
            if (options.tlsOffload() != null) {
                tlsOffload = TlsOffloadService.start(options.tlsOffload(), datapath, service::auditTlsOffloadRefusal);
            }
            api = RestApi.start(apiHost, apiPort, token, service, guestStats, fabric, tlsOffload, options.clientVerbs());
            return new Daemon(datapath, service, api, guests, fabric, tlsOffload);
        } catch (IOException | RuntimeException e) {
            if (api != null) {
                api.close();
            }
            if (tlsOffload != null) {
                tlsOffload.close();
            }
            if (fabric != null) {
                fabric.close();
            }
            if (guests != null) {
                guests.close();
            }
            if (service != null) {
                service.close();
            } else {
                prepared.close();
            }
            datapath.close();
            throw e;
        }
    }

    public Datapath datapath() {
        return datapath;
    }

    /** The TLS offload service, or null when the configuration has none. */
    public TlsOffloadService tlsOffload() {
        return tlsOffload;
    }

    public int apiPort() {
        return api.port();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        api.close();
        guests.close();
        if (tlsOffload != null) {
            tlsOffload.close();
        }
        if (fabric != null) { // first: its lease is revoked, so the peers drop this appliance's VNICs at once
            fabric.close();
        }
        datapath.stopLoops();
        service.close();
        datapath.close();
    }
}
