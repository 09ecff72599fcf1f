import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Copies a jar with its Java 5 class files raised to class version 52, stack maps computed by the JDK's class-file
 * API and the code otherwise unchanged. JDK 25's AOT cache skips classes older than version 50 ("old class has been
 * linked"), and picocli ships as Java 5 class files: without this, the CLI's 190 picocli classes are parsed and
 * verified from the jar at every start (docs/control-plane.md, "A fast CLI"). Run by bin/lib/cli.sh with the JDK's
 * source launcher: {@code java ClassVersionUpgrade.java IN.jar OUT.jar}.
 */
public final class ClassVersionUpgrade {
    private static final int MAJOR = 52;

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: java ClassVersionUpgrade.java IN.jar OUT.jar");
            System.exit(2);
        }
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        // the stack maps need the superclasses of the jar's own classes, which only the jar has
        try (URLClassLoader jarClasses = new URLClassLoader(new URL[] {in.toUri().toURL()}, null);
             JarFile jar = new JarFile(in.toFile());
             JarOutputStream o = new JarOutputStream(Files.newOutputStream(out))) {
            ClassFile classFile = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                    ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.ofResourceParsing(jarClasses)
                            .orElse(ClassHierarchyResolver.defaultResolver())));
            for (JarEntry e : Collections.list(jar.entries())) {
                byte[] bytes = jar.getInputStream(e).readAllBytes();
                if (e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/")) {
                    ClassModel model = classFile.parse(bytes);
                    if (model.majorVersion() < MAJOR) {
                        bytes = classFile.transformClass(model, ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                                .andThen(ClassTransform.endHandler(b -> b.withVersion(MAJOR, 0))));
                    }
                }
                o.putNextEntry(new JarEntry(e.getName()));
                o.write(bytes);
                o.closeEntry();
            }
        }
    }
}
