package io.quiver.control.cli;

import io.quiver.control.host.Shell;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * {@code quiver man}: the man pages, quiver(8) and one per verb, written from the command tree by picocli's generator
 * (AsciiDoc) and typeset by asciidoctor, so they say what the CLI does. Section 8: Quiver administers the system.
 */
@Command(name = "man", mixinStandardHelpOptions = true,
        description = {"Write the man pages: quiver(8) and quiver-VERB(8) for every verb, generated from the command tree.",
                "Then: man 8 quiver (needs asciidoctor: apt-get install asciidoctor)"})
public final class ManCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "/usr/local/share/man/man8", description = "default: ${DEFAULT-VALUE}")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (!Shell.available("asciidoctor")) {
            throw new IllegalStateException("asciidoctor is not installed: apt-get install asciidoctor");
        }
        Path adoc = Files.createTempDirectory("quiver-man");
        try {
            int rc = ManPageGenerator.generateManPage(adoc.toFile(), null, new boolean[0], true,
                    new CommandLine(new QuiverCli()).getCommandSpec());
            if (rc != 0) {
                throw new IllegalStateException("picocli's man page generator failed (" + rc + ")");
            }
            List<String> pages = new ArrayList<>();
            try (Stream<Path> files = Files.list(adoc)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".adoc")).sorted().toList()) {
                    // the generator writes section 1; a daemon's administration is section 8
                    Files.writeString(f, Files.readString(f).replaceAll("(quiver[\\w-]*)\\(1\\)", "$1(8)"));
                    pages.add(f.toString());
                }
            }
            Files.createDirectories(out);
            List<String> cmd = new ArrayList<>(List.of("asciidoctor", "-b", "manpage", "-D", out.toString()));
            cmd.addAll(pages);
            Shell.check(cmd, 120);
            spec.commandLine().getOut().println("wrote " + pages.size() + " man pages to " + out + ": man 8 quiver");
            return 0;
        } finally {
            io.quiver.dataplane.runtime.FileTrees.delete(adoc);
        }
    }
}
