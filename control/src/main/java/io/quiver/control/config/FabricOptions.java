package io.quiver.control.config;

import io.quiver.configstore.model.VnicConfig;
import io.quiver.dataplane.fabric.FabricPeer;
import io.quiver.dataplane.fabric.FabricSettings;
import java.util.List;

/**
 * How this appliance takes part in a fabric (the configuration file's {@code fabric:}, docs/fabric.md): its own end,
 * the etcd directory (null: none, the static peers alone), and peers the file describes itself (a VTEP that is no
 * Quiver, such as a Linux vxlan device, publishes nothing).
 */
public record FabricOptions(FabricSettings settings, EtcdOptions etcd, List<StaticPeer> staticPeers, boolean memif) {
    public FabricOptions {
        staticPeers = List.copyOf(staticPeers == null ? List.of() : staticPeers);
        if (memif && etcd == null) {
            throw new IllegalArgumentException("fabric.memif needs fabric.etcd: the peers on this host are found in the directory");
        }
    }

    /** The memif socket (an abstract socket name) this appliance listens on for peers on its host. */
    public String memifSocket() {
        return "/run/quiver/memif-" + settings.appliance() + ".sock";
    }

    /** A peer and its VNICs, as the file gives them. */
    public record StaticPeer(FabricPeer peer, List<VnicConfig> vnics) {
        public StaticPeer {
            vnics = List.copyOf(vnics);
        }
    }

    /**
     * The etcd cluster holding the directory.
     *
     * @param endpoints       its client URLs (http:// or https://)
     * @param prefix          the key prefix every appliance of this fabric uses
     * @param leaseTtlSeconds how long an appliance's entries outlive its last keep-alive
     * @param ca              TLS: the CA that signed the members' certificates (null: plain)
     * @param cert            TLS: this appliance's client certificate (null: none)
     * @param key             TLS: its private key (PKCS#8 PEM)
     */
    public record EtcdOptions(List<String> endpoints, String prefix, int leaseTtlSeconds, String ca, String cert, String key) {
        public static final String DEFAULT_PREFIX = "/quiver/fabric";
        public static final int DEFAULT_LEASE_TTL = 5;

        public EtcdOptions {
            if (endpoints == null || endpoints.isEmpty()) {
                throw new IllegalArgumentException("fabric.etcd needs 'endpoints' (e.g. [http://127.0.0.1:2379])");
            }
            endpoints = List.copyOf(endpoints);
            prefix = prefix == null ? DEFAULT_PREFIX : prefix.replaceAll("/+$", "");
            if (!prefix.startsWith("/")) {
                throw new IllegalArgumentException("fabric.etcd.prefix '" + prefix + "' must start with '/'");
            }
            if (leaseTtlSeconds < 2 || leaseTtlSeconds > 3600) {
                throw new IllegalArgumentException("fabric.etcd.leaseTtl " + leaseTtlSeconds + ": 2-3600 seconds");
            }
            if ((cert == null) != (key == null)) {
                throw new IllegalArgumentException("fabric.etcd: a client certificate needs both 'cert' and 'key'");
            }
        }
    }
}
