package io.quiver.dataplane.antispoof;

import io.quiver.configstore.model.LinkProtection;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.dataplane.vnic.WireAddresses;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * By guest port (ethdev id): the source MACs its VNICs may send with ({@link SourceMacCheck}), and the one VNIC a
 * single-VNIC port belongs to, which is charged with the drops of frames whose source MAC names no VNIC. A port with
 * no VNIC has an empty set: all its frames are spoofed, never a crash. Immutable; a change builds a new one.
 */
public final class PortSources {
    private final SourceMacCheck[] byPort;
    private final int[] onlyVnicOfPort;
    /** By port: the one VNIC on it without {@code mac-nospoof}, which owns frames of any other source MAC; else -1. */
    private final int[] unprotectedOfPort;

    private PortSources(SourceMacCheck[] byPort, int[] onlyVnicOfPort, int[] unprotectedOfPort) {
        this.byPort = byPort;
        this.onlyVnicOfPort = onlyVnicOfPort;
        this.unprotectedOfPort = unprotectedOfPort;
    }

    /**
     * @param configs by VNIC index, null for a free index
     * @param portIds by VNIC index, the ethdev id of its port
     */
    public static PortSources build(VnicConfig[] configs, int[] portIds, int maxPort) {
        List<List<long[]>> macsByPort = new ArrayList<>(maxPort + 1);
        int[] only = new int[maxPort + 1];
        int[] vnicsOnPort = new int[maxPort + 1];
        int[] unprotected = new int[maxPort + 1];
        int[] unprotectedOnPort = new int[maxPort + 1];
        Arrays.fill(only, -1);
        Arrays.fill(unprotected, -1);
        for (int p = 0; p <= maxPort; p++) {
            macsByPort.add(new ArrayList<>());
        }
        for (int v = 0; v < configs.length; v++) {
            if (configs[v] == null) {
                continue;
            }
            List<long[]> owners = macsByPort.get(portIds[v]);
            while (owners.size() <= v) {
                owners.add(null);
            }
            owners.set(v, WireAddresses.macs(configs[v]));
            vnicsOnPort[portIds[v]]++;
            only[portIds[v]] = v;
            if (!configs[v].protection().contains(LinkProtection.MAC_NOSPOOF)) {
                unprotectedOnPort[portIds[v]]++;
                unprotected[portIds[v]] = v;
            }
        }
        SourceMacCheck[] byPort = new SourceMacCheck[maxPort + 1];
        for (int p = 0; p <= maxPort; p++) {
            byPort[p] = macsByPort.get(p).isEmpty() ? SourceMacCheck.none() : SourceMacCheck.ofOwners(macsByPort.get(p));
            if (vnicsOnPort[p] != 1) {
                only[p] = -1;
            }
            if (unprotectedOnPort[p] != 1) { // two could claim the same foreign MAC: neither gets it
                unprotected[p] = -1;
            }
        }
        return new PortSources(byPort, only, unprotected);
    }

    /**
     * These sources with VNIC {@code vnic}'s MACs on port {@code port} changed from {@code before} to {@code after}:
     * only that port's set is copied. Empty when the copy has no room (the caller rebuilds).
     */
    public Optional<PortSources> withChangedVnic(int port, int vnic, VnicConfig before, VnicConfig after) {
        return byPort[port].replacing(vnic, WireAddresses.macs(before), WireAddresses.macs(after)).map(changed -> {
            SourceMacCheck[] copy = byPort.clone();
            copy[port] = changed;
            return new PortSources(copy, onlyVnicOfPort, unprotectedOfPort);
        });
    }

    /** The MACs the VNICs attached by {@code port} may send with. */
    public SourceMacCheck of(int port) {
        return byPort[port];
    }

    /** The VNIC a frame with a MAC no VNIC of {@code port} owns belongs to (its only VNIC without mac-nospoof), else -1. */
    public int unprotectedVnicOf(int port) {
        return unprotectedOfPort[port];
    }

    /** The VNIC a port with exactly one VNIC belongs to, else -1. */
    public int onlyVnicOf(int port) {
        return onlyVnicOfPort[port];
    }
}
