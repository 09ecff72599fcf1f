package io.quiver.configstore;

import io.quiver.configstore.model.DenialReason;
import io.quiver.configstore.model.MacAddress;
import io.quiver.configstore.model.VnicConfig;
import java.util.Collection;
import java.util.List;

/** Two VNICs on one VLAN need different MACs: the classifier could not tell them apart. */
final class MacConflicts {
    private MacConflicts() {
    }

    /** The denial when {@code next} would reuse, on its VLAN, a MAC of another of {@code states}; null when it would not. */
    static Decision find(VnicConfig next, Collection<VnicState> states) {
        List<MacAddress> macs = next.allMacs();
        for (VnicState other : states) {
            VnicConfig o = other.config();
            if (o.name().equals(next.name()) || o.vlan() != next.vlan()) {
                continue;
            }
            for (MacAddress mac : o.allMacs()) {
                if (macs.contains(mac)) {
                    return Decision.denied(DenialReason.CONFLICT, "MAC " + mac + " is already used by VNIC "
                            + o.name() + (o.vlan() == 0 ? " (untagged)" : " on VLAN " + o.vlan())
                            + ": two VNICs on one VLAN need different MAC addresses");
                }
            }
        }
        return null;
    }

}
