package io.quiver.perf.guest;

import io.quiver.control.guest.GuestCodec;
import io.quiver.control.guest.GuestMessage;
import io.quiver.control.guest.GuestProtocol;
import io.quiver.control.guest.GuestReply;
import io.quiver.control.guest.GuestRequest;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Runs inside a guest's namespace: sends {@code count} configuration requests one after the other (each waits for
 * its reply), alternating two allowed secondary MACs, and prints the round-trip percentiles as {@code RESULT {...}}.
 */
public final class GuestRequestLoad {
    private GuestRequestLoad() {
    }

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        Histogram rtt = new Histogram(TimeUnit.SECONDS.toNanos(5), 3);
        int lost = 0;
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(1000);
            InetAddress server = InetAddress.getByName(GuestProtocol.SERVICE_ADDRESS);
            byte[] buffer = new byte[GuestProtocol.MAX_DATAGRAM];
            for (int i = 1; i <= count; i++) {
                // a secondary MAC: the classifier and anti-spoof tables are rebuilt and published for every request
                byte[] request = GuestCodec.encode(GuestRequest.set(i, "secondary-macs", i % 2 == 0 ? "02:00:00:00:07:01" : "02:00:00:00:07:02"));
                long t0 = System.nanoTime();
                socket.send(new DatagramPacket(request, request.length, server, GuestProtocol.PORT));
                while (true) {
                    DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                    try {
                        socket.receive(p);
                    } catch (SocketTimeoutException e) {
                        lost++;
                        break;
                    }
                    GuestMessage m = GuestCodec.decode(p.getData(), 0, p.getLength());
                    if (m instanceof GuestReply r && r.id() == i) {
                        if (r.status() != GuestReply.Status.ACCEPTED) {
                            throw new IllegalStateException("request " + i + " was not accepted: " + r);
                        }
                        rtt.recordValue(System.nanoTime() - t0);
                        break;
                    }
                }
            }
        }
        System.out.printf("RESULT {\"count\": %d, \"lost\": %d, \"p50Micros\": %.1f, \"p99Micros\": %.1f, \"p999Micros\": %.1f, \"maxMicros\": %.1f}%n",
                rtt.getTotalCount(), lost, rtt.getValueAtPercentile(50) / 1e3, rtt.getValueAtPercentile(99) / 1e3,
                rtt.getValueAtPercentile(99.9) / 1e3, rtt.getMaxValue() / 1e3);
    }
}
