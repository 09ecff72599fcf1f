package io.quiver.control.rest;

import io.quiver.configstore.files.OwnerOnly;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The file that holds the REST API's bearer token (docs/control-plane.md, "Access control"). The daemon makes one
 * where none is, readable and writable by its owner only, and refuses one that other users can read or write, as
 * ssh refuses such a key: whoever can read the token can change every guest's network. Clients read it so that the
 * token never stands on a command line, where any user could read it in /proc.
 */
public final class ApiTokenFile {
    /** Where the service unit keeps the token, which local clients read when given no other (docs/deployment.md). */
    public static final Path SERVICE_DEFAULT = Path.of("/etc/quiver/api.token");
    /** 256 bits from the system's strong source: guessing is not an attack. */
    private static final int TOKEN_BYTES = 32;

    private ApiTokenFile() {
    }

    /** The result of {@link #serve}: the token and whether this start wrote it. */
    public record Served(String token, boolean created) {
    }

    /**
     * The token the daemon requires: read from {@code file}, or a new random one written there when the file does not
     * exist (as {@code rw-------}).
     *
     * @throws IllegalArgumentException when the file is open to other users, empty, or cannot be read or written
     */
    public static Served serve(Path file) {
        try {
            if (!Files.exists(file)) {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    OwnerOnly.directory(parent);
                }
                String token = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes());
                try (OutputStream out = Files.newOutputStream(Files.createFile(file, OwnerOnly.fileAttribute()))) {
                    out.write((token + "\n").getBytes(StandardCharsets.US_ASCII));
                }
                return new Served(token, true);
            }
            if (OwnerOnly.openToOthers(file)) {
                throw new IllegalArgumentException("the API token file " + file + " can be read or written by other users ("
                        + PosixFilePermissions.toString(Files.getPosixFilePermissions(file)) + "): run 'chmod 600 " + file + "'");
            }
            return new Served(read(file), false);
        } catch (FileAlreadyExistsException e) {
            return serve(file); // another process made it meanwhile: use theirs, checked as any other
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read or create the API token file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The token in {@code file}, its first line without surrounding blanks.
     *
     * @throws IllegalArgumentException when it cannot be read or holds no token
     */
    public static String read(Path file) {
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the API token file " + file + ": " + e.getMessage(), e);
        }
        if (token.isEmpty()) {
            throw new IllegalArgumentException("the API token file " + file + " holds no token");
        }
        return token;
    }

    /**
     * The token a client sends: {@code token} when given, else the one in {@code file} when given, else the one in
     * {@code serviceDefault} when this user can read it and {@code api} is on this host (a token is never sent to
     * another host unasked), else none.
     */
    public static String forClient(String token, Path file, String api, Path serviceDefault) {
        if (token != null && !token.isBlank()) {
            return token;
        }
        if (file != null) {
            return read(file);
        }
        if (Files.isReadable(serviceDefault) && onThisHost(api)) {
            return read(serviceDefault);
        }
        return null;
    }

    private static boolean onThisHost(String api) {
        try {
            String host = URI.create(api).getHost();
            return host != null && InetAddress.getByName(host).isLoopbackAddress();
        } catch (IllegalArgumentException | UnknownHostException e) {
            return false;
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[TOKEN_BYTES];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
