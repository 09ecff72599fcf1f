package io.quiver.control.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The command lines the daemon runs for a client ({@code POST /v1/cli}, what {@code bin/quiver}'s curl sends):
 * the verbs that only talk to the REST API and print once. They run as they would in a client JVM, through the same
 * API with the same token, so a client gains nothing by asking the daemon; the daemon's JVM is warm, which makes them
 * answer in milliseconds. Anything that streams (capture, --watch) or acts on this host (run, lab, man, completion)
 * stays in the client's JVM.
 */
public final class DaemonSideVerbs {
    private static final List<String> PREFIXES = List.of("show-", "create-", "delete-", "set-", "add-", "remove-", "modify-");

    private DaemonSideVerbs() {
    }

    /** Whether the daemon runs {@code args} (a verb and its options) for a client. */
    public static boolean accepts(List<String> args) {
        if (args.isEmpty()) {
            return false;
        }
        String verb = args.get(0);
        if (!verb.equals("trace") && PREFIXES.stream().noneMatch(verb::startsWith)) {
            return false;
        }
        for (String a : args) {
            if (a.equals("--watch") || a.startsWith("--watch=") || a.startsWith("-w")) {
                return false; // rounds printed as they come: the client's own JVM streams them
            }
        }
        return true;
    }

    /** {@code args} talking to {@code api} with {@code token} (null: none), whatever --api and --token they gave. */
    public static List<String> through(List<String> args, String api, String token) {
        List<String> out = new ArrayList<>(List.of(args.get(0), "--api", api));
        if (token != null) {
            out.add("--token");
            out.add(token);
        }
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                out.addAll(args.subList(i, args.size()));
                break;
            }
            if (a.equals("--api") || a.equals("--token")) {
                i++;
            } else if (!a.startsWith("--api=") && !a.startsWith("--token=")) {
                out.add(a);
            }
        }
        return out;
    }
}
