package io.quiver.dataplane.runtime;

import io.quiver.dpdk.ServiceManager;

/**
 * What the service manager is told: ready once the ports forward and the API listens (units ordered after Quiver
 * then start against a working appliance), stopping when it shuts down. Outside systemd nothing is sent.
 */
public final class ServiceReadiness {
    private ServiceReadiness() {
    }

    /** @return whether a service manager was told */
    public static boolean ready(String status) {
        return ServiceManager.notify("READY=1\nSTATUS=" + status.replace('\n', ' '));
    }

    public static void stopping() {
        ServiceManager.notify("STOPPING=1");
    }
}
