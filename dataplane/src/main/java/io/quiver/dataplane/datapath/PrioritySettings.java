package io.quiver.dataplane.datapath;

import io.quiver.configstore.model.Subscription;
import java.util.List;

/**
 * How the datapath applies subscription levels.
 *
 * @param connections the connection table's size (its memory, 32 bytes a connection, is taken when the first level
 *                    appears); connections beyond it stay at their default class, counted
 * @param lowestShare percent of a VNIC's deliveries its lowest class gets while higher classes have traffic (0..50)
 * @param levels      the subscription levels and flows at start, in rank order
 */
public record PrioritySettings(int connections, int lowestShare, List<Subscription> levels) {
    public static final PrioritySettings DEFAULT = new PrioritySettings(262_144, 5, List.of());

    public PrioritySettings {
        if (connections < 1 || connections > (1 << 26)) {
            throw new IllegalArgumentException("the connection table holds 1.." + (1 << 26) + " connections, not " + connections);
        }
        if (lowestShare < 0 || lowestShare > 50) {
            throw new IllegalArgumentException("the lowest class's share is 0..50 percent, not " + lowestShare);
        }
        levels = List.copyOf(levels == null ? List.of() : levels);
    }

    public PrioritySettings withLevels(List<Subscription> replaced) {
        return new PrioritySettings(connections, lowestShare, replaced);
    }
}
