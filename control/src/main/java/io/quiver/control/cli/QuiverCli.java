package io.quiver.control.cli;

import io.quiver.control.cli.admin.TlsOffloadCommands;
import picocli.CommandLine.Command;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The {@code quiver} command. Exit codes: 0 success, 1 refused or failed (the reason on stderr), 2 a usage error, 3 the
 * daemon could not be reached.
 */
@Command(name = "quiver", mixinStandardHelpOptions = true, versionProvider = QuiverCli.Version.class,
        description = "Quiver: a network-virtualization dataplane on DPDK.",
        subcommands = {RunCommand.class, LabCommand.class, DoctorCommand.class, GuestCommand.class, TlsOffloadCommand.class,
                io.quiver.control.cli.admin.CaptureCommand.class, io.quiver.control.cli.admin.TraceCommand.class, CompletionCommand.Print.class, CompletionCommand.Install.class, ManCommand.class,
                CommandLine.HelpCommand.class})
public final class QuiverCli extends TlsOffloadCommands {

    /** The exit code when the daemon did not answer at all (nothing listens at --api, or the connection broke). */
    public static final int UNREACHABLE = 3;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (tests call this without exiting). */
    public static int execute(String... args) {
        return configured(CommandTree.forArgs(args)).execute(args);
    }

    /**
     * Runs a client verb for a caller elsewhere (the daemon's {@code POST /v1/cli}): the same command tree and
     * handlers, its output captured instead of printed.
     */
    public static io.quiver.control.rest.ClientVerbs.Outcome capture(String... args) {
        if (watches(args)) {
            throw new IllegalArgumentException("--watch prints until it is stopped: run it locally");
        }
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cli = configured(CommandTree.forArgs(args));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new io.quiver.control.rest.ClientVerbs.Outcome(exit, out.toString(), err.toString());
    }

    /**
     * Whether {@code args} ask for --watch, as picocli reads them (-w1, -pw1, --watch=1 alike): a round printed until
     * Ctrl-C would hold a daemon's thread for good. A command line that does not parse is left to the run, which says why.
     */
    private static boolean watches(String... args) {
        try {
            CommandLine.ParseResult verb = CommandTree.forArgs(args).parseArgs(args).subcommand();
            return verb != null && verb.hasMatchedOption("--watch");
        } catch (CommandLine.ParameterException e) {
            return false;
        }
    }

    private static CommandLine configured(CommandLine cli) {
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("quiver: " + describe(e));
            if (System.getenv("QUIVER_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return io.quiver.control.cli.admin.ApiClient.unreachable(e) ? UNREACHABLE : 1;
        });
        cli.setParameterExceptionHandler((e, parsed) -> {
            // one line that says what was wrong and where the verb's usage is, not the usage itself (a page of it
            // would bury the line); picocli's suggestions for a misspelt verb or option follow it
            CommandLine verb = verbOf(e.getCommandLine());
            PrintWriter err = verb.getErr();
            err.println("quiver: " + e.getMessage() + " (see 'quiver " + (verb.getParent() == null ? "" : verb.getCommandName() + " ") + "--help')");
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            return verb.getCommandSpec().exitCodeOnInvalidInput();
        });
        return cli;
    }

    /**
     * The verb an error is about: {@code line} itself, or, where a verb's own code threw with the top command (the
     * admin verbs print through it), the verb that was parsed.
     */
    private static CommandLine verbOf(CommandLine line) {
        CommandLine.ParseResult parsed = line.getParseResult();
        if (line.getParent() == null && parsed != null && parsed.subcommand() != null) {
            return parsed.subcommand().commandSpec().commandLine();
        }
        return line;
    }

    private static String describe(Throwable e) {
        if (e.getClass().getName().endsWith("ApiException")) {
            return e.getMessage();
        }
        // Quiver's own exceptions (the bindings' DPDK failures among them) carry messages written for the operator
        if (e.getClass().getName().startsWith("io.quiver.") || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = QuiverCli.class.getPackage().getImplementationVersion();
            return new String[] {"quiver " + (v == null ? "(development build)" : v) + ", DPDK 22.11, Java " + Runtime.version()};
        }
    }
}
