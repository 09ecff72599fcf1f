package io.quiver.control.service;

/** A request the service refuses; {@code status} is the HTTP status the REST API answers with. */
public class ServiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public ServiceException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ServiceException notFound(String what) {
        return new ServiceException(404, what);
    }

    public static ServiceException badRequest(String what) {
        return new ServiceException(400, what);
    }

    /** The change cannot be made now (the fabric's directory is unreachable): nothing changed; try again later. */
    public static ServiceException unavailable(String what) {
        return new ServiceException(503, what);
    }

    public static ServiceException conflict(String what) {
        return new ServiceException(409, what);
    }
}
