package io.quiver.control.config;

/** A configuration file or option Quiver cannot use; the message says where and why. */
public class InvalidConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidConfigException(String message) {
        super(message);
    }
}
