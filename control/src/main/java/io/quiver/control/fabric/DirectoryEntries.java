package io.quiver.control.fabric;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.model.VnicParameter;
import io.quiver.dataplane.fabric.FabricPeer;
import io.quiver.dataplane.fabric.FabricSettings;
import io.quiver.dataplane.packet.Ethernet;
import io.quiver.dataplane.packet.UdpFrameBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The directory's schema (docs/fabric.md): where each entry lives under the prefix, and its JSON value.
 * <ul>
 *   <li>{@code PREFIX/appliances/NAME}: an appliance, its VTEP and segment plan;</li>
 *   <li>{@code PREFIX/vnics/APPLIANCE/VNIC}: a VNIC it hosts, every parameter by its wire name;</li>
 *   <li>{@code PREFIX/claims/VLAN/MAC}: who holds a MAC in a VLAN ({@code APPLIANCE/VNIC}), taken in a transaction
 *       only while free, so two appliances can never both publish one MAC.</li>
 * </ul>
 * Every entry is put under its appliance's lease.
 */
final class DirectoryEntries {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DirectoryEntries() {
    }

    /** An appliance's entry. */
    record Appliance(String appliance, String vtep, String vtepMac, int vxlanPort, int vniBase, String host, String memif) {
        /** The peer, reached over memif port {@code memifPort} (-1: by its VTEP). */
        FabricPeer peer(int memifPort) {
            int ip = vtep == null || vtep.isEmpty() ? 0 : UdpFrameBuilder.parseIpv4(vtep);
            long mac = vtepMac == null || vtepMac.isEmpty() ? 0 : Ethernet.macToLong(Ethernet.parseMac(vtepMac));
            return new FabricPeer(appliance, ip, mac, memifPort);
        }

        static Appliance of(FabricSettings s, long uplinkMac, String memifSocket) {
            return new Appliance(s.appliance(), s.vtepText(), s.hasVtep() ? Ethernet.formatMac(uplinkMac) : "", s.udpPort(), s.vniBase(),
                    HOST, memifSocket == null ? "" : memifSocket);
        }

        /** Whether this appliance runs on this host and takes memif links. */
        boolean memifHere() {
            return HOST.equals(host) && memif != null && !memif.isEmpty();
        }
    }

    /** This host's identity: systemd's machine id, else the host name. */
    static final String HOST = hostId();

    private static String hostId() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/etc/machine-id")).strip();
        } catch (java.io.IOException e) {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException u) {
                return "unknown";
            }
        }
    }

    /** A VNIC's entry. */
    record Vnic(String appliance, String vnic, Map<String, String> parameters) {
        static Vnic of(String appliance, VnicConfig c) {
            Map<String, String> p = new LinkedHashMap<>();
            for (VnicParameter parameter : VnicParameter.values()) {
                p.put(parameter.wireName(), c.get(parameter));
            }
            return new Vnic(appliance, c.name(), p);
        }

        /** The VNIC as its host runs it; a ConfigException for an entry no Quiver of this version could have written. */
        VnicConfig config() {
            VnicConfig c = VnicConfig.create(vnic, parameters.get(VnicParameter.MAC.wireName()));
            for (Map.Entry<String, String> e : parameters.entrySet()) {
                VnicParameter p = VnicParameter.lookup(e.getKey());
                if (p != null && p != VnicParameter.MAC) {
                    c = c.with(p, e.getValue());
                }
            }
            return c;
        }
    }

    static String applianceKey(String prefix, String appliance) {
        return prefix + "/appliances/" + appliance;
    }

    static String appliancesPrefix(String prefix) {
        return prefix + "/appliances/";
    }

    static String vnicKey(String prefix, String appliance, String vnic) {
        return prefix + "/vnics/" + appliance + "/" + vnic;
    }

    static String vnicsPrefix(String prefix) {
        return prefix + "/vnics/";
    }

    static String claimKey(String prefix, int vlan, long mac) {
        return prefix + "/claims/" + vlan + "/" + Ethernet.formatMac(mac);
    }

    static String holder(String appliance, String vnic) {
        return appliance + "/" + vnic;
    }

    static String json(Object entry) {
        try {
            return JSON.writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads an entry; null for a value that is not one (logged by the caller, never trusted). */
    static <T> T read(String text, Class<T> type) {
        try {
            return JSON.readValue(text, type);
        } catch (JsonProcessingException | IllegalArgumentException | ConfigException e) {
            return null;
        }
    }
}
