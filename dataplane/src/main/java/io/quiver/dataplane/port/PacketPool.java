package io.quiver.dataplane.port;

import io.quiver.dpdk.Mbufs;
import io.quiver.dpdk.Mempools;

/** A pool of packet buffers (an rte_pktmbuf pool) shared by the ports that receive into it. */
public final class PacketPool implements AutoCloseable {
    private final String name;
    private final int capacity;
    private final int cacheSize;
    private final int dataRoom;
    private long address;

    private PacketPool(String name, int capacity, int cacheSize, int dataRoom, long address) {
        this.name = name;
        this.capacity = capacity;
        this.cacheSize = cacheSize;
        this.dataRoom = dataRoom;
        this.address = address;
    }

    /**
     * Creates a pool of {@code capacity} mbufs with a per-lcore cache of {@code cacheSize}, and checks on one real
     * mbuf that the offsets the Java fast path reads agree with DPDK's accessors.
     */
    public static PacketPool create(String name, int capacity, int cacheSize) {
        return create(name, capacity, cacheSize, Mempools.DEFAULT_DATA_ROOM);
    }

    /** As {@link #create(String, int, int)}, with {@code dataRoom} bytes of packet data per mbuf (headroom included). */
    public static PacketPool create(String name, int capacity, int cacheSize, int dataRoom) {
        if (capacity < 1) {
            throw new IllegalArgumentException("pool '" + name + "' needs at least one mbuf, not " + capacity);
        }
        long address = Mempools.createPktmbufPool(name, capacity, cacheSize, dataRoom, Mempools.SOCKET_ID_ANY);
        PacketPool pool = new PacketPool(name, capacity, cacheSize, dataRoom, address);
        long probe = Mbufs.alloc(address);
        if (probe != 0) {
            try {
                Mbufs.append(probe, 14);
                Mbufs.verifyLayout(probe);
            } finally {
                Mbufs.free(probe);
            }
        }
        return pool;
    }

    public String name() {
        return name;
    }

    public int capacity() {
        return capacity;
    }

    /** The bytes a frame may have and still fit one mbuf (the data room behind the headroom). */
    public int frameRoom() {
        return dataRoom - Mbufs.HEADROOM;
    }

    /** The rte_mempool address, for the bindings. */
    public long address() {
        if (address == 0) {
            throw new IllegalStateException("pool '" + name + "' is closed");
        }
        return address;
    }

    /** Mbufs handed out and not yet returned; the leak check compares this against a baseline. */
    public int inUse() {
        return Mempools.inUse(address());
    }

    public int available() {
        return Mempools.available(address());
    }

    @Override
    public void close() {
        if (address != 0) {
            Mempools.free(address);
            address = 0;
        }
    }
}
