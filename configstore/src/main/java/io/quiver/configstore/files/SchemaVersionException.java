package io.quiver.configstore.files;

import io.quiver.configstore.model.ConfigException;
import java.nio.file.Path;

/** A store file written with another schema version than this build reads; it is refused, never misread. */
public final class SchemaVersionException extends ConfigException {
    private static final long serialVersionUID = 1L;

    private final int found;
    private final int expected;

    public SchemaVersionException(Path file, int found, int expected) {
        super("configstore file " + file + " has schema version " + found + ", but this build of Quiver reads "
                + "schema version " + expected + " only: " + (found > expected
                ? "it was written by a newer Quiver; run that version, or restore a backup made for version "
                + expected
                : "it was written by an older Quiver; migrate it with that version's export, or start a new store"));
        this.found = found;
        this.expected = expected;
    }

    public int found() {
        return found;
    }

    public int expected() {
        return expected;
    }
}
