package io.quiver.configstore.model;

/**
 * A configuration request or a store operation that cannot be carried out, with a message a user can act on
 * (what was wrong, and what is accepted instead).
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
