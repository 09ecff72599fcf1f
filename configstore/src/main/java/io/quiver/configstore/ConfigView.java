package io.quiver.configstore;

import io.quiver.configstore.journal.AuditLog;
import io.quiver.configstore.journal.ChangeFeed;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.policy.GuestPolicy;
import java.util.List;
import java.util.Optional;

/** What any process may read from a store: the writer ({@link ConfigStore}) and readers ({@link ConfigStoreReader}). */
public interface ConfigView extends AutoCloseable {

    /** The committed config of a VNIC, or empty when there is no such VNIC. */
    Optional<VnicConfig> vnic(String name);

    /** The names of all VNICs, sorted. */
    List<String> vnicNames();

    /**
     * The policy of the guest on a VNIC: empty when there is no such VNIC, {@link GuestPolicy#NONE} when the VNIC has
     * no policy (its guest may change nothing).
     */
    Optional<GuestPolicy> policy(String vnic);

    /** The committed changes, for consumers that follow them. */
    ChangeFeed changes();

    /** Every request with its decision. */
    AuditLog audit();

    /** The sequence of the newest journal record (request), 0 when there is none. */
    long lastSequence();

    @Override
    void close();
}
