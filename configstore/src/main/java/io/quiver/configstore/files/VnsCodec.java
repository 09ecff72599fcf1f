package io.quiver.configstore.files;

import io.quiver.configstore.model.ConfigException;
import io.quiver.configstore.model.VnsConfig;
import io.quiver.configstore.model.VnsProperty;
import io.quiver.configstore.model.VnsRoute;
import java.util.EnumMap;
import java.util.Map;

/**
 * The schema-1 values of the VNS map and the route map:
 * <ul>
 *   <li>a VNS: {@code u8 'V', str name, i64 revision, u8 count, then per property u8 id and str canonical text};</li>
 *   <li>a route: {@code u8 'R', str vns, str prefix, str next hop ("via 10.0.1.5", "dev web1", "vns shared"),
 *       i64 revision}.</li>
 * </ul>
 * Decoding parses the text again, so a stored value is validated like user input.
 */
public final class VnsCodec {
    private static final int VNS_TAG = 'V';
    private static final int ROUTE_TAG = 'R';

    private VnsCodec() {
    }

    public static byte[] encode(VnsConfig vns) {
        return write(new RecordWriter(), vns).toBytes();
    }

    public static RecordWriter write(RecordWriter w, VnsConfig vns) {
        w.u8(VNS_TAG).str(vns.name()).i64(vns.revision()).u8(VnsProperty.values().length);
        for (VnsProperty p : VnsProperty.values()) {
            w.u8(p.id()).str(vns.get(p));
        }
        return w;
    }

    public static VnsConfig decodeVns(byte[] bytes, String what) {
        RecordReader r = new RecordReader(bytes, what);
        VnsConfig v = readVns(r);
        r.expectEnd();
        return v;
    }

    public static VnsConfig readVns(RecordReader r) {
        if (r.u8() != VNS_TAG) {
            throw r.corrupt("it is not a VNS value");
        }
        String name = r.str();
        long revision = r.i64();
        int count = r.u8();
        Map<VnsProperty, String> stored = new EnumMap<>(VnsProperty.class);
        for (int i = 0; i < count; i++) {
            int id = r.u8();
            VnsProperty p = VnsProperty.byId(id);
            String text = r.str();
            if (p == null) {
                throw r.corrupt("unknown VNS property id " + id);
            }
            stored.put(p, text);
        }
        try {
            return VnsConfig.fromStored(name, revision, stored);
        } catch (ConfigException e) {
            throw r.corrupt(e.getMessage());
        }
    }

    public static byte[] encode(VnsRoute route) {
        return write(new RecordWriter(), route).toBytes();
    }

    public static RecordWriter write(RecordWriter w, VnsRoute route) {
        return w.u8(ROUTE_TAG).str(route.vns()).str(route.prefix().toString()).str(route.nextHopText())
                .i64(route.revision());
    }

    public static VnsRoute decodeRoute(byte[] bytes, String what) {
        RecordReader r = new RecordReader(bytes, what);
        VnsRoute v = readRoute(r);
        r.expectEnd();
        return v;
    }

    public static VnsRoute readRoute(RecordReader r) {
        if (r.u8() != ROUTE_TAG) {
            throw r.corrupt("it is not a route value");
        }
        String vns = r.str();
        String prefix = r.str();
        String nextHop = r.str();
        long revision = r.i64();
        try {
            return VnsRoute.parse(vns, prefix + " " + nextHop).withRevision(revision);
        } catch (ConfigException e) {
            throw r.corrupt(e.getMessage());
        }
    }
}
