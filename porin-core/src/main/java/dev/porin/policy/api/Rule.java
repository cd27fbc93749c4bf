// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import dev.porin.labels.LabelSelector;

import java.util.List;

/**
 * One policy rule, ready to resolve: its subjects ({@code endpointSelector}, namespace scoping applied),
 * and its allow and deny elements per direction.
 *
 * <p>Whether a rule makes its subjects default-deny in a direction is decided by
 * {@link #defaultDenyIngress()} / {@link #defaultDenyEgress()}: by default a rule with elements in a
 * direction (allow or deny) does, unless {@code enableDefaultDeny} turned it off; Kubernetes policies say
 * it with {@code policyTypes}.
 *
 * @param origin the object the rule came from, for attribution
 * @param index  the rule's position among the object's rules ({@code specs})
 */
public record Rule(
        PolicyOrigin origin,
        int index,
        LabelSelector endpointSelector,
        List<PeerRule> ingress,
        List<PeerRule> ingressDeny,
        List<PeerRule> egress,
        List<PeerRule> egressDeny,
        boolean defaultDenyIngress,
        boolean defaultDenyEgress,
        String description) {

    public Rule {
        ingress = List.copyOf(ingress);
        ingressDeny = List.copyOf(ingressDeny);
        egress = List.copyOf(egress);
        egressDeny = List.copyOf(egressDeny);
    }

    /** The elements of one direction and kind. */
    public List<PeerRule> elements(Direction direction, boolean deny) {
        return switch (direction) {
            case INGRESS -> deny ? ingressDeny : ingress;
            case EGRESS -> deny ? egressDeny : egress;
        };
    }

    public boolean defaultDeny(Direction direction) {
        return direction == Direction.INGRESS ? defaultDenyIngress : defaultDenyEgress;
    }

    /** The element at {@code position} of a direction's allow or deny list, as a reference for attribution. */
    public RuleRef ref(Direction direction, boolean deny, int position) {
        return new RuleRef(origin, index, direction, deny, position);
    }
}
