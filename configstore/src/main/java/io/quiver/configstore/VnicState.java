package io.quiver.configstore;

import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.policy.GuestPolicy;

/** What the writer keeps in memory per VNIC: its committed config and its guest's policy (compiled, immutable). */
record VnicState(VnicConfig config, GuestPolicy policy) {
}
