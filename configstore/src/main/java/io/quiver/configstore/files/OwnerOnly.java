package io.quiver.configstore.files;

import io.quiver.configstore.model.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Modes that let no other user read or write what the appliance keeps: the store holds every guest's network
 * configuration and the audit of who asked for what, and a token file holds the key to the REST API. Other users reach
 * them through the REST API and its token, never through the files. A file system without POSIX modes is left as it is.
 */
public final class OwnerOnly {
    /** {@code rw-------}. */
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    /** {@code rwx------}. */
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private OwnerOnly() {
    }

    /**
     * Creates {@code dir} (and missing parents) as {@code rwx------}. An existing directory keeps its mode: it may be
     * one the operator shares on purpose (a state directory of {@code /tmp} must not lose its sticky, world-writable
     * mode); the files in it are what is protected.
     */
    public static void directory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (posix(dir.toAbsolutePath().getParent())) {
            Files.createDirectories(dir, attribute(DIRECTORY));
        } else {
            Files.createDirectories(dir);
        }
    }

    /** The attribute that creates a file as {@code rw-------} from the start, for {@code Files.createFile} and channels. */
    public static FileAttribute<Set<PosixFilePermission>> fileAttribute() {
        return attribute(FILE);
    }

    /** Makes an existing file {@code rw-------}: one another library created with the process's umask, or an older Quiver. */
    public static void restrict(Path file) {
        try {
            if (posix(file) && !Files.getPosixFilePermissions(file).equals(FILE)) {
                Files.setPosixFilePermissions(file, FILE);
            }
        } catch (IOException e) {
            throw new ConfigException("cannot make " + file + " readable and writable by its owner only: " + e.getMessage(), e);
        }
    }

    /** Whether {@code file} is readable or writable by a user other than its owner (its group included). */
    public static boolean openToOthers(Path file) throws IOException {
        if (!posix(file)) {
            return false;
        }
        Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
        return p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.GROUP_WRITE)
                || p.contains(PosixFilePermission.OTHERS_READ) || p.contains(PosixFilePermission.OTHERS_WRITE);
    }

    private static boolean posix(Path path) {
        Path p = path;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p != null && Files.getFileAttributeView(p, PosixFileAttributeView.class) != null;
    }

    private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> permissions) {
        return PosixFilePermissions.asFileAttribute(permissions);
    }
}
