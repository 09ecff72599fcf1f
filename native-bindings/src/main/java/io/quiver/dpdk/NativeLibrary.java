package io.quiver.dpdk;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Loads {@code libquiver_shim.so} and through it the DPDK libraries it links, and makes downcall handles.
 *
 * <p>The shim is linked against every DPDK library, so one {@link SymbolLookup} on it resolves both the shim's
 * own wrappers and DPDK's exported functions (dlsym searches a library's dependencies).
 *
 * <p>Where the shim comes from, first match wins: the system property {@value #SHIM_PROPERTY} (an install location
 * such as {@code /usr/lib/quiver/libquiver_shim.so}); the copy the build put on the class path (used in place when
 * the class path is a folder, extracted to a private temporary file when it is a jar).
 */
public final class NativeLibrary {
    public static final String SHIM_PROPERTY = "quiver.shim";
    private static final String RESOURCE = "/native/libquiver_shim.so";

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup SHIM = load();

    private NativeLibrary() {
    }

    static MethodHandle downcall(String symbol, FunctionDescriptor descriptor, Linker.Option... options) {
        var address = SHIM.find(symbol).or(() -> LINKER.defaultLookup().find(symbol))
                .orElseThrow(() -> new UnsatisfiedLinkError("symbol " + symbol + " not found in the shim, DPDK or libc"));
        return LINKER.downcallHandle(address, descriptor, options);
    }

    private static SymbolLookup load() {
        Path path = locate();
        try {
            return SymbolLookup.libraryLookup(path, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("cannot load " + path + " (" + e.getMessage() + "): the DPDK 22.11 runtime"
                    + " libraries are needed; install the Debian packages 'dpdk' and 'libdpdk-dev'", e);
        }
    }

    private static Path locate() {
        String configured = System.getProperty(SHIM_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            if (!Files.isReadable(p)) {
                throw new IllegalStateException("-D" + SHIM_PROPERTY + "=" + configured + " names no readable file");
            }
            return p;
        }
        URL url = NativeLibrary.class.getResource(RESOURCE);
        if (url == null) {
            throw new IllegalStateException("libquiver_shim.so is not on the class path: build with './mvnw package'"
                    + " (needs gcc, pkg-config and libdpdk-dev) or set -D" + SHIM_PROPERTY + "=<path>");
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return Path.of(url.toURI());
            }
            Path dir = Files.createTempDirectory("quiver-shim");
            dir.toFile().deleteOnExit(); // before the file: the JVM deletes in reverse order, and only an empty folder goes
            Path file = dir.resolve("libquiver_shim.so");
            file.toFile().deleteOnExit();
            try (InputStream in = url.openStream()) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return file;
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot extract the shim from " + url + ": " + e.getMessage(), e);
        }
    }
}
