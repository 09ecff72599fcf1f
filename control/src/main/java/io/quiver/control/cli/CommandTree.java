package io.quiver.control.cli;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code quiver} command tree as one command line needs it: picocli's full model only for the verb it runs (and
 * for {@code help VERB}, that verb), every other verb as its name and description, which is all the top-level help
 * and picocli's suggestions read. Building the model of all fifty verbs is most of what a cold JVM spends on a CLI
 * verb (350 ms of the 550 ms {@code --help} took); one verb's is a few milliseconds (docs/control-plane.md, "A fast
 * CLI"). The verbs, names and descriptions come from the same annotations, so this tree cannot drift from the full
 * one ({@code new CommandLine(new QuiverCli())}, which completion and the man page use).
 */
final class CommandTree {
    /** A verb: a command method of {@link QuiverCli}'s hierarchy, or a command class it lists. */
    private record Verb(String name, Command annotation, Method method, Class<?> type) {
    }

    private CommandTree() {
    }

    static CommandLine forArgs(String... args) {
        QuiverCli cli = new QuiverCli();
        Command top = QuiverCli.class.getAnnotation(Command.class);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(cli);
        spec.name(top.name()).mixinStandardHelpOptions(true).versionProvider(new QuiverCli.Version());
        spec.usageMessage().description(top.description());
        CommandLine line = new CommandLine(spec);
        cli.attach(spec); // what a command method prints with, as picocli would have injected
        List<String> wanted = wanted(args);
        Verb only = wanted.size() == 1 && !wanted.get(0).equals("help") ? find(wanted.get(0)) : null;
        if (only != null) { // the other verbs matter only to help and to a misspelt verb's suggestions
            line.addSubcommand(only.name(), real(only));
            return line;
        }
        for (Verb v : verbs()) {
            line.addSubcommand(v.name(), wanted.contains(v.name()) ? real(v) : stub(v));
        }
        return line;
    }

    /** The verb a command line runs, and for {@code help VERB} that verb too. */
    private static List<String> wanted(String[] args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("-")) {
                out.add(args[i]);
                if (i + 1 < args.length && (args[i].equals("help"))) {
                    out.add(args[i + 1]);
                }
                break;
            }
        }
        return out;
    }

    /**
     * The verb {@code name}, found without reading every verb's annotations (parsing fifty methods' annotations took
     * 80 ms of a cold start): a command method is the verb's name in camel case ({@code show-vnic}: {@code showVnic}),
     * a command class one of those the top command lists. Null when it is neither.
     */
    private static Verb find(String name) {
        String method = camelCase(name);
        for (Class<?> k = QuiverCli.class; k != Object.class; k = k.getSuperclass()) {
            for (Method m : k.getDeclaredMethods()) {
                if (m.getName().equals(method)) {
                    Command c = m.getAnnotation(Command.class);
                    if (c != null && c.name().equals(name)) {
                        return new Verb(name, c, m, null);
                    }
                }
            }
        }
        for (Class<?> type : QuiverCli.class.getAnnotation(Command.class).subcommands()) {
            Command c = type.getAnnotation(Command.class);
            if (c.name().equals(name)) {
                return new Verb(name, c, null, type);
            }
        }
        return null;
    }

    private static String camelCase(String verb) {
        StringBuilder b = new StringBuilder(verb.length());
        boolean upper = false;
        for (char ch : verb.toCharArray()) {
            if (ch == '-') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(ch) : ch);
                upper = false;
            }
        }
        return b.toString();
    }

    private static List<Verb> verbs() {
        List<Verb> out = new ArrayList<>();
        for (Class<?> k = QuiverCli.class; k != Object.class; k = k.getSuperclass()) {
            for (Method m : k.getDeclaredMethods()) {
                Command c = m.getAnnotation(Command.class);
                if (c != null) {
                    out.add(new Verb(c.name(), c, m, null));
                }
            }
        }
        for (Class<?> type : QuiverCli.class.getAnnotation(Command.class).subcommands()) {
            Command c = type.getAnnotation(Command.class);
            out.add(new Verb(c.name(), c, null, type));
        }
        out.sort(Comparator.comparing(Verb::name));
        return out;
    }

    private static CommandLine real(Verb v) {
        if (v.method() != null) {
            CommandLine line = new CommandLine(v.method());
            line.getCommandSpec().name(v.name());
            return line;
        }
        return new CommandLine(v.type());
    }

    private static CommandSpec stub(Verb v) {
        CommandSpec s = CommandSpec.create().name(v.name());
        s.usageMessage().description(v.annotation().description()).hidden(v.annotation().hidden());
        return s;
    }
}
