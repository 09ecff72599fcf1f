package io.quiver.configstore.journal;

import io.quiver.configstore.model.Requester;
import io.quiver.configstore.model.Subscription;
import io.quiver.configstore.model.VnicConfig;
import io.quiver.configstore.model.VnsConfig;
import io.quiver.configstore.model.VnsRoute;
import io.quiver.configstore.policy.GuestPolicy;
import java.time.Instant;

/**
 * A committed change, as the change feed delivers it: enough to update the dataplane (the VNIC's whole new config)
 * and to notify the guest (who asked, which parameter).
 *
 * @param vnicAfter   the VNIC after the change; null when the VNIC was deleted or for a policy change
 * @param policyAfter the guest policy after a {@link Action#POLICY_SET}; otherwise null
 * @param vnsAfter    the VNS after a {@link Action#VNS_PUT}; otherwise null
 * @param routeAfter  the route a {@link Action#ROUTE_ADD} added; otherwise null
 * @param subscriptionAfter the level or flow after a {@link Action#SUBSCRIPTION_PUT}; otherwise null
 */
public record Change(long sequence, Instant time, Requester requester, Action action, String vnic, String parameter,
                     String value, VnicConfig vnicAfter, GuestPolicy policyAfter, VnsConfig vnsAfter, VnsRoute routeAfter,
                     Subscription subscriptionAfter) {

    public boolean vnicDeleted() {
        return action == Action.VNIC_DELETE;
    }

    /** True for a change to the VNIC itself (what the dataplane applies); false for a policy or VNS change. */
    public boolean changesVnic() {
        return action != Action.POLICY_SET && !action.isVnsAction() && !action.isSubscriptionAction()
                && action != Action.AGGREGATION_PUT && action != Action.TLS_OFFLOAD_REFUSED;
    }

    /** True for a change to a VNS or its routes ({@link #vnic()} then names the VNS). */
    public boolean changesVns() {
        return action.isVnsAction();
    }

    /** True for a change to a subscription level or flow ({@link #vnic()} then names it). */
    public boolean changesSubscription() {
        return action.isSubscriptionAction();
    }
}
