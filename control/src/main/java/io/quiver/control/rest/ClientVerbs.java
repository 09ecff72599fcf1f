package io.quiver.control.rest;

import java.util.ArrayList;
import java.util.List;

/**
 * The quiver CLI's client verbs, run in the daemon for a client on its host ({@code POST /v1/cli}, what
 * {@code bin/quiver}'s curl sends; docs/control-plane.md, "A fast CLI"). The implementation is the CLI's own command
 * tree, handed over by whoever starts the daemon: the REST API does not depend on the CLI. Which command lines it runs
 * is decided here: the verbs that only talk to the REST API and print once. They run through this API with its token,
 * so a client gains nothing by asking the daemon; what streams (capture, --watch) or acts on the client's host (run,
 * lab, man, completion) stays in the client's JVM.
 */
@FunctionalInterface
public interface ClientVerbs {
    /**
     * Runs {@code args} (a verb and its options) and says what it printed and its exit status.
     *
     * @throws IllegalArgumentException for a command line that streams (--watch): the client's own JVM runs it
     */
    Outcome run(String... args);

    /** What a run printed, and its exit status. */
    record Outcome(int exit, String out, String err) {
    }

    List<String> PREFIXES = List.of("show-", "create-", "delete-", "set-", "add-", "remove-", "modify-");

    /** Whether the daemon runs {@code args} for a client. */
    static boolean accepts(List<String> args) {
        if (args.isEmpty()) {
            return false;
        }
        String verb = args.get(0);
        return verb.equals("trace") || PREFIXES.stream().anyMatch(verb::startsWith);
    }

    /** {@code args} talking to {@code api} with {@code token} (null: none), whatever --api, --token or --token-file they gave. */
    static List<String> through(List<String> args, String api, String token) {
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
            if (a.equals("--api") || a.equals("--token") || a.equals("--token-file")) {
                i++;
            } else if (!a.startsWith("--api=") && !a.startsWith("--token=") && !a.startsWith("--token-file=")) {
                out.add(a);
            }
        }
        return out;
    }
}
