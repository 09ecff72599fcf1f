package io.quiver.control.service;

import io.quiver.configstore.model.VnicConfig;

/**
 * Where a committed VNIC change is published beyond this appliance: the fabric's directory (docs/fabric.md), or
 * nowhere while the appliance runs alone. A change that cannot be published is undone and refused, so the directory
 * never misses a VNIC this appliance runs.
 */
public interface VnicPublication {
    VnicPublication NONE = new VnicPublication() {
        @Override
        public void publish(VnicConfig before, VnicConfig after) {
        }

        @Override
        public void withdraw(VnicConfig vnic) {
        }
    };

    /**
     * Publishes VNIC {@code after} ({@code before}: what was published of it, null for a new VNIC); a
     * {@link ServiceException} when it cannot be: 503 while the directory is unreachable, 409 when another appliance
     * holds one of its MACs.
     */
    void publish(VnicConfig before, VnicConfig after);

    /** Withdraws a VNIC about to be deleted; a {@link ServiceException} (503) while the directory is unreachable. */
    void withdraw(VnicConfig vnic);
}
