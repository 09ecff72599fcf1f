package io.quiver.dataplane.lcore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A request to the kernel's CPU latency QoS ({@code /dev/cpu_dma_latency}): while it is held, no idle CPU goes into a
 * sleep state it takes longer than {@code maxMicros} to leave. At 0, idle CPUs poll instead of halting.
 *
 * <p>Why the appliance holds one: the lcores never sleep, but the threads they wake (the guest request service) sit on
 * CPUs that do. Leaving a halt costs tens of microseconds in a virtual machine (the hypervisor must schedule the vCPU
 * again; measured here: p50 40 us, p99 85 us for a cross-CPU wake-up) and a deep C-state on bare metal costs as much.
 * Held at 0 the same wake-up measured p50 4 us, p99 18 us. The price is power (or, in a VM, host CPU time) while
 * idle, which an appliance that already spins its lcores pays gladly; {@code --cpu-wake-latency-us off} declines it.
 *
 * <p>The kernel keeps the request for as long as the file stays open and drops it when the process exits however it
 * exits, so a crash never leaves the machine tuned.
 */
public final class CpuWakeLatency implements AutoCloseable {
    public static final Path DEVICE = Path.of("/dev/cpu_dma_latency");

    private final FileChannel request;
    private final int maxMicros;
    private final String refusal;

    private CpuWakeLatency(FileChannel request, int maxMicros, String refusal) {
        this.request = request;
        this.maxMicros = maxMicros;
        this.refusal = refusal;
    }

    /**
     * Asks the kernel to keep every idle CPU's wake-up within {@code maxMicros}. A refusal (no such device, no root)
     * is not an error: the appliance runs, slower to wake; {@link #refusal()} says why.
     */
    public static CpuWakeLatency hold(int maxMicros) {
        if (maxMicros < 0) {
            throw new IllegalArgumentException("the CPU wake-up latency must be >= 0 microseconds, not " + maxMicros);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(DEVICE, StandardOpenOption.WRITE);
            // The kernel takes a binary s32 when the write is exactly 4 bytes, in the machine's byte order.
            ByteBuffer value = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder()).putInt(0, maxMicros);
            if (channel.write(value) != Integer.BYTES) {
                throw new IOException("short write");
            }
            return new CpuWakeLatency(channel, maxMicros, null);
        } catch (IOException e) {
            closeQuietly(channel);
            return new CpuWakeLatency(null, maxMicros, describe(e));
        }
    }

    /** No request: the kernel's idle governor decides alone. */
    public static CpuWakeLatency none() {
        return new CpuWakeLatency(null, -1, "not requested (--cpu-wake-latency-us off)");
    }

    /** The limit in force now, over every holder on the machine, in microseconds. */
    public static int current() throws IOException {
        try (FileChannel channel = FileChannel.open(DEVICE, StandardOpenOption.READ)) {
            ByteBuffer value = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder());
            while (value.hasRemaining() && channel.read(value) > 0) {
                // the kernel answers with 4 bytes at once; the loop only guards a short read
            }
            if (value.hasRemaining()) {
                throw new IOException(DEVICE + " answered fewer than 4 bytes");
            }
            return value.getInt(0);
        }
    }

    /** How many requests process {@code pid} holds: its open descriptors on the device (the kernel's own record). */
    public static long requestsHeldBy(long pid) throws IOException {
        try (var fds = java.nio.file.Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.filter(fd -> {
                try {
                    return java.nio.file.Files.readSymbolicLink(fd).equals(DEVICE);
                } catch (IOException closed) {
                    return false; // closed while listed (the listing's own descriptor among them)
                }
            }).count();
        }
    }

    public boolean held() {
        return request != null && request.isOpen();
    }

    /** Why the request is not held, or null while it is. */
    public String refusal() {
        return held() ? null : refusal == null ? "released" : refusal;
    }

    /** One line for the operator: what is held, or why nothing is. */
    public String describe() {
        return held() ? "idle CPUs wake within " + maxMicros + " us (a CPU latency QoS request on " + DEVICE + ", held while Quiver runs)"
                : "no CPU wake-up latency request, " + refusal() + ": a request waits for its CPU to leave idle (tens of us in a VM)";
    }

    @Override
    public void close() {
        closeQuietly(request);
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return DEVICE + " does not exist (a kernel without CPU latency QoS, or a container without the device)";
        }
        if (e instanceof AccessDeniedException) {
            return DEVICE + " needs root";
        }
        return DEVICE + ": " + e.getMessage();
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing drops the request; there is nothing left to release if it fails
        }
    }
}
