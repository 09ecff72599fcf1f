package io.quiver.control.daemon;

import io.quiver.control.guest.GuestRequestService;
import io.quiver.control.rest.RestApi;
import io.quiver.control.service.GuestRequestStats;
import io.quiver.control.service.QuiverService;
import io.quiver.dataplane.datapath.Datapath;
import io.quiver.dataplane.datapath.DatapathConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The appliance: the datapath, the configuration database and the service over it, the REST API, the guest request
 * service. Started in that order, closed in reverse.
 */
public final class Daemon implements AutoCloseable {
    private final Datapath datapath;
    private final QuiverService service;
    private final RestApi api;
    private final GuestRequestService guests;
    private boolean closed;

    private Daemon(Datapath datapath, QuiverService service, RestApi api, GuestRequestService guests) {
        this.datapath = datapath;
        this.service = service;
        this.api = api;
        this.guests = guests;
    }

    /**
     * @param apiHost  where the REST API listens (loopback by default)
     * @param apiPort  0 picks a free port
     * @param token    the bearer token, required beyond loopback
     */
    public static Daemon start(DatapathConfig config, Path stateDir, String apiHost, int apiPort, String token,
                               GuestRequestService.Settings guestSettings) throws IOException {
        Files.createDirectories(stateDir);
        Datapath datapath = Datapath.start(config);
        QuiverService service = null;
        RestApi api = null;
        GuestRequestService guests = null;
        try {
            service = QuiverService.start(datapath, stateDir);
            GuestRequestStats guestStats = new GuestRequestStats();
            guests = new GuestRequestService(service, guestStats, guestSettings);
            api = RestApi.start(apiHost, apiPort, token, service, guestStats);
            return new Daemon(datapath, service, api, guests);
        } catch (IOException | RuntimeException e) {
            if (api != null) {
                api.close();
            }
            if (guests != null) {
                guests.close();
            }
            if (service != null) {
                service.close();
            }
            datapath.close();
            throw e;
        }
    }

    public Datapath datapath() {
        return datapath;
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
        datapath.stopLoops();
        service.close();
        datapath.close();
    }
}
