package io.quiver.dpdk;

/**
 * A DPDK call failed. The message names the call, what it was applied to (a port, devargs, a pool) and DPDK's own
 * error text, e.g. {@code rte_dev_probe(net_bogus0) failed: error 19 (No such device)}.
 */
public class DpdkException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String call;
    private final String subject;
    private final int errno;

    public DpdkException(String call, String subject, int errno, String detail) {
        super(call + "(" + subject + ") failed: " + detail);
        this.call = call;
        this.subject = subject;
        this.errno = errno;
    }

    /** For a DPDK call that returns a negative errno on failure. */
    static int check(int rc, String call, String subject) {
        if (rc < 0) {
            throw new DpdkException(call, subject, -rc, "error " + (-rc) + " (" + Eal.strerror(-rc) + ")");
        }
        return rc;
    }

    /** For a DPDK call that signals failure by its return value and leaves the reason in rte_errno. */
    static DpdkException fromErrno(String call, String subject) {
        int errno = Eal.errno();
        return new DpdkException(call, subject, errno, "error " + errno + " (" + Eal.strerror(errno) + ")");
    }

    public String call() {
        return call;
    }

    public String subject() {
        return subject;
    }

    /** DPDK's positive error number. */
    public int errno() {
        return errno;
    }
}
