// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import dev.porin.policy.api.Direction;
import dev.porin.policy.api.PolicyOrigin;
import dev.porin.policy.api.RuleRef;

/**
 * A policy that decided a verdict: the object, and which of its rules ({@code rule 0 ingress[1]}), or
 * {@code null} when the policy only made the endpoint default-deny and no rule allowed the packet.
 */
public record PolicyCause(PolicyOrigin origin, String rule) {

    public static PolicyCause of(RuleRef ref) {
        String list = ref.direction() == Direction.INGRESS ? (ref.deny() ? "ingressDeny" : "ingress")
                : (ref.deny() ? "egressDeny" : "egress");
        return new PolicyCause(ref.origin(), "rule " + ref.rule() + " " + list + "[" + ref.element() + "]");
    }

    public static PolicyCause defaultDeny(PolicyOrigin origin) {
        return new PolicyCause(origin, null);
    }

    public boolean isDefaultDeny() {
        return rule == null;
    }

    @Override
    public String toString() {
        return origin + (rule == null ? " default deny" : " " + rule);
    }
}
