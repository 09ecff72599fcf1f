package io.quiver.control.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.control.guest.GuestCodec;
import io.quiver.control.guest.GuestMessage;
import io.quiver.control.guest.GuestNotification;
import io.quiver.control.guest.GuestProtocol;
import io.quiver.control.guest.GuestProtocolException;
import io.quiver.control.guest.GuestReply;
import io.quiver.control.guest.GuestRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code quiver guest}: the guest side of the guest protocol ({@code docs/guest-protocol.md}), run inside a VM or a
 * container whose VNIC Quiver serves. {@code request} asks to set or read one parameter of the VNIC the request leaves
 * by; {@code listen} prints the notifications Quiver sends when the host changes one.
 *
 * <p>Usable on its own: {@code new CommandLine(new GuestCommand()).execute(args)}. Exit codes: 0 accepted (or
 * listening ended), 1 a local failure (no route, port in use), 2 a usage error, 3 denied, 4 no reply (or fewer
 * notifications than {@code --count}) within the timeout, 5 Quiver answered with an error.
 */
@Command(name = "guest", mixinStandardHelpOptions = true, version = GuestCommand.VERSION,
        description = {"Run inside a guest: ask Quiver to change or read a parameter of this guest's VNIC, or listen for"
                + " the changes the host makes.",
                "Requests go over UDP to " + GuestProtocol.SERVICE_ADDRESS + ":" + GuestProtocol.PORT
                        + "; Quiver knows the guest by the VNIC they arrive on."},
        subcommands = {GuestCommand.Request.class, GuestCommand.Listen.class, CommandLine.HelpCommand.class})
public final class GuestCommand {
    static final String VERSION = "quiver guest, protocol " + GuestProtocol.VERSION;
    public static final int ACCEPTED = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int DENIED = 3;
    public static final int NO_REPLY = 4;
    public static final int ERROR_REPLY = 5;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom IDS = new SecureRandom();

    /** {@code quiver guest request --set PARAM=VALUE | --get PARAM}. */
    @Command(name = "request", mixinStandardHelpOptions = true, version = GuestCommand.VERSION,
            description = {"Send one request and print Quiver's reply.",
                    "A denied request is dropped silently (and audited) unless the appliance enables explicit denial"
                            + " replies: no reply is what a denial usually looks like."},
            exitCodeListHeading = "Exit codes:%n",
            exitCodeList = {"0:accepted", "1:local failure (no route to the service address, ...)", "2:usage error",
                    "3:denied", "4:no reply within the timeout", "5:Quiver answered with an error"})
    public static final class Request implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ArgGroup(exclusive = true, multiplicity = "1")
        What what;

        static final class What {
            @Option(names = "--set", paramLabel = "PARAM=VALUE", required = true,
                    description = "set a parameter, e.g. mtu=1400")
            String set;

            @Option(names = "--get", paramLabel = "PARAM", required = true, description = "read a parameter, e.g. mtu")
            String get;
        }

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "3",
                description = "how long to wait for the reply (default: ${DEFAULT-VALUE})")
        double timeout;

        @Option(names = "--server", paramLabel = "ADDR", defaultValue = GuestProtocol.SERVICE_ADDRESS,
                description = "the service address (default: ${DEFAULT-VALUE})")
        String server;

        @Option(names = "--port", paramLabel = "N", defaultValue = "" + GuestProtocol.PORT,
                description = "the service port (default: ${DEFAULT-VALUE})")
        int port;

        @Option(names = "--json", description = "print the reply as one JSON object")
        boolean json;

        @Override
        public Integer call() {
            checkTimeout(spec, timeout);
            checkPort(spec, port);
            GuestRequest request = request();
            InetAddress address = resolve(spec, server);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            byte[] payload = GuestCodec.encode(request);
            long deadline = System.nanoTime() + nanos(timeout);
            try (DatagramSocket socket = new DatagramSocket()) {
                // Connected: the kernel passes up only datagrams from the service address and port.
                socket.connect(address, port);
                socket.send(new DatagramPacket(payload, payload.length));
                byte[] buffer = new byte[GuestProtocol.MAX_DATAGRAM + 1];
                while (true) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return noReply(request, out, err, null);
                    }
                    socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    try {
                        socket.receive(packet);
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    GuestReply reply = replyTo(request, packet, err);
                    if (reply != null) {
                        return print(request, reply, out);
                    }
                }
            } catch (PortUnreachableException e) {
                return noReply(request, out, err, "an ICMP port unreachable came back: nothing intercepted the request;"
                        + " is this interface attached to a Quiver VNIC?");
            } catch (IOException e) {
                err.println("guest request: " + server + ":" + port + ": " + e.getMessage()
                        + (e.getMessage() != null && e.getMessage().contains("unreachable")
                        ? " (the guest needs a route to " + GuestProtocol.SERVICE_ADDRESS + ", e.g. 'ip route add "
                        + GuestProtocol.SERVICE_ADDRESS + " dev eth0', or a default route)" : ""));
                return FAILED;
            }
        }

        private GuestRequest request() {
            int id = 1 + IDS.nextInt(Integer.MAX_VALUE - 1);
            try {
                if (what.set != null) {
                    int eq = what.set.indexOf('=');
                    if (eq < 0) {
                        throw new ParameterException(spec.commandLine(),
                                "--set takes PARAM=VALUE, e.g. --set mtu=1400, not '" + what.set + "'");
                    }
                    return GuestRequest.set(id, what.set.substring(0, eq), what.set.substring(eq + 1));
                }
                return GuestRequest.get(id, what.get);
            } catch (GuestProtocolException e) {
                throw new ParameterException(spec.commandLine(), (what.set != null ? "--set " : "--get ")
                        + e.getMessage());
            }
        }

        /** The reply to {@code request} in {@code packet}, or null (and a note on stderr) for anything else. */
        private static GuestReply replyTo(GuestRequest request, DatagramPacket packet, PrintWriter err) {
            GuestMessage message;
            try {
                message = GuestCodec.decode(packet.getData(), packet.getOffset(), packet.getLength());
            } catch (GuestProtocolException e) {
                err.println("guest request: ignored a malformed datagram from " + packet.getSocketAddress() + ": "
                        + e.getMessage());
                return null;
            }
            if (message instanceof GuestReply reply && reply.id() == request.id()) {
                return reply;
            }
            err.println("guest request: ignored " + message + " (waiting for the reply to request " + request.id()
                    + ")");
            return null;
        }

        private int print(GuestRequest request, GuestReply reply, PrintWriter out) {
            if (json) {
                ObjectNode o = JSON.createObjectNode();
                o.put("id", reply.id());
                o.put("op", request.op().wireName());
                o.put("parameter", reply.parameter());
                o.put("status", reply.status().wireName());
                if (reply.value() != null) {
                    o.put("value", reply.value());
                }
                if (reply.sequence() != 0) {
                    o.put("sequence", reply.sequence());
                }
                if (reply.reason() != null) {
                    o.put("reason", reply.reason());
                }
                if (reply.message() != null) {
                    o.put("message", reply.message());
                }
                out.println(o);
            } else {
                StringBuilder b = new StringBuilder(reply.status().wireName()).append(": ").append(reply.parameter());
                if (reply.value() != null) {
                    b.append(" = ").append(reply.value());
                }
                if (reply.sequence() != 0) {
                    b.append(" (change ").append(reply.sequence()).append(')');
                }
                if (reply.reason() != null) {
                    b.append(": ").append(reply.reason());
                }
                if (reply.message() != null) {
                    b.append(": ").append(reply.message());
                }
                out.println(b);
            }
            out.flush();
            return switch (reply.status()) {
                case ACCEPTED -> ACCEPTED;
                case DENIED -> DENIED;
                case ERROR -> ERROR_REPLY;
            };
        }

        private int noReply(GuestRequest request, PrintWriter out, PrintWriter err, String why) {
            if (json) {
                ObjectNode o = JSON.createObjectNode();
                o.put("id", request.id());
                o.put("op", request.op().wireName());
                o.put("parameter", request.parameter());
                o.put("status", "no-reply");
                out.println(o);
                out.flush();
            }
            err.println("guest request: no reply from " + server + ":" + port + " to request " + request.id()
                    + " within " + seconds(timeout) + " s" + (why == null ? "" : " (" + why + ")") + ".");
            err.println("A denied request is dropped silently unless the appliance enables explicit denial replies;"
                    + " Quiver audits it either way, and its administrator can tell why (the request id is "
                    + request.id() + ").");
            err.flush();
            return NO_REPLY;
        }
    }

    /** {@code quiver guest listen}: print notifications as they arrive. */
    @Command(name = "listen", mixinStandardHelpOptions = true, version = GuestCommand.VERSION,
            description = {"Print the notifications Quiver sends when the host changes a parameter of this guest's"
                    + " VNIC (UDP port " + GuestProtocol.NOTIFY_PORT + ", from " + GuestProtocol.SERVICE_ADDRESS + ").",
                    "Without --count and --timeout it runs until stopped."},
            exitCodeListHeading = "Exit codes:%n",
            exitCodeList = {"0:--count notifications arrived, or --timeout ended listening without a --count",
                    "1:the port cannot be bound", "2:usage error",
                    "4:--timeout came before --count notifications"})
    public static final class Listen implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--count", paramLabel = "N", description = "exit after N notifications")
        Integer count;

        @Option(names = "--timeout", paramLabel = "SECONDS", description = "exit after this long")
        Double timeout;

        @Option(names = "--port", paramLabel = "N", defaultValue = "" + GuestProtocol.NOTIFY_PORT,
                description = "the port to listen on, on all addresses; 0 for any free one, printed on stderr"
                        + " (default: ${DEFAULT-VALUE})")
        int port;

        @Option(names = "--server", paramLabel = "ADDR", defaultValue = GuestProtocol.SERVICE_ADDRESS,
                description = "accept notifications from this address only (default: ${DEFAULT-VALUE})")
        String server;

        @Option(names = "--json", description = "print each notification as one JSON object per line")
        boolean json;

        @Override
        public Integer call() {
            if (count != null && count < 1) {
                throw new ParameterException(spec.commandLine(), "--count must be 1 or more, not " + count);
            }
            if (timeout != null) {
                checkTimeout(spec, timeout);
            }
            if (port != 0) {
                checkPort(spec, port);
            }
            InetAddress from = resolve(spec, server);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            long deadline = timeout == null ? 0 : System.nanoTime() + nanos(timeout);
            int received = 0;
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(port))) {
                err.println("guest listen: listening on *:" + socket.getLocalPort() + " for notifications from "
                        + from.getHostAddress());
                err.flush();
                byte[] buffer = new byte[GuestProtocol.MAX_DATAGRAM + 1];
                while (count == null || received < count) {
                    if (timeout != null) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            break;
                        }
                        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
                    }
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    try {
                        socket.receive(packet);
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    GuestNotification n = notification(packet, from, err);
                    if (n != null) {
                        print(n, packet, out);
                        received++;
                    }
                }
            } catch (IOException e) {
                err.println("guest listen: cannot listen on UDP port " + port + ": " + e.getMessage());
                return FAILED;
            }
            if (count != null && received < count) {
                err.println("guest listen: " + received + " of " + count + " notification(s) within "
                        + seconds(timeout) + " s");
                return NO_REPLY;
            }
            return 0;
        }

        private static GuestNotification notification(DatagramPacket packet, InetAddress from, PrintWriter err) {
            if (!packet.getAddress().equals(from)) {
                err.println("guest listen: ignored a datagram from " + packet.getSocketAddress()
                        + " (notifications come from " + from.getHostAddress() + ")");
                return null;
            }
            try {
                GuestMessage m = GuestCodec.decode(packet.getData(), packet.getOffset(), packet.getLength());
                if (m instanceof GuestNotification n) {
                    return n;
                }
                err.println("guest listen: ignored " + m + " (not a notification)");
            } catch (GuestProtocolException e) {
                err.println("guest listen: ignored a malformed datagram from " + packet.getSocketAddress() + ": "
                        + e.getMessage());
            }
            return null;
        }

        private void print(GuestNotification n, DatagramPacket packet, PrintWriter out) {
            if (json) {
                ObjectNode o = JSON.createObjectNode();
                o.put("sequence", n.sequence());
                o.put("parameter", n.parameter());
                o.put("value", n.value());
                o.put("from", packet.getAddress().getHostAddress() + ":" + packet.getPort());
                out.println(o);
            } else {
                out.println("change " + n.sequence() + ": " + n.parameter() + " = " + n.value());
            }
            out.flush();
        }
    }

    private static void checkTimeout(CommandSpec spec, double seconds) {
        if (!(seconds > 0 && seconds <= 86_400)) {
            throw new ParameterException(spec.commandLine(), "--timeout takes 0 < SECONDS <= 86400, not " + seconds);
        }
    }

    private static void checkPort(CommandSpec spec, int port) {
        if (port < 1 || port > 65_535) {
            throw new ParameterException(spec.commandLine(), "--port takes 1 to 65535, not " + port);
        }
    }

    private static InetAddress resolve(CommandSpec spec, String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ParameterException(spec.commandLine(), "--server: unknown host '" + host + "'");
        }
    }

    private static long nanos(double seconds) {
        return Math.round(seconds * 1e9);
    }

    private static String seconds(double s) {
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }
}
