// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.policy.api.Direction;
import dev.porin.policy.api.PolicyOrigin;

import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Whether an endpoint's policy is enforced in each direction, and which policies made it default-deny: the
 * answer to "why was this dropped when no rule denies it?".
 *
 * <p>A direction is enforced when some policy selects the endpoint with rules for that direction. It is
 * default-deny when one of them asks for it ({@code ingressBy}/{@code egressBy} name them all). When none
 * does (every such rule says {@code enableDefaultDeny: false}) the direction is enforced but default-allow:
 * everything is allowed except what deny rules name.
 *
 * @param ingressRules whether policies select the endpoint with ingress rules (allow or deny)
 * @param egressRules  whether policies select the endpoint with egress rules (allow or deny)
 */
public record Enforcement(SortedSet<PolicyOrigin> ingressBy, SortedSet<PolicyOrigin> egressBy, boolean ingressRules,
                          boolean egressRules) {

    public static final Enforcement NONE = new Enforcement(new TreeSet<>(), new TreeSet<>());

    public Enforcement {
        ingressBy = new TreeSet<>(ingressBy);
        egressBy = new TreeSet<>(egressBy);
    }

    /** Default-deny where {@code ingressBy}/{@code egressBy} say so, nothing enforced elsewhere. */
    public Enforcement(SortedSet<PolicyOrigin> ingressBy, SortedSet<PolicyOrigin> egressBy) {
        this(ingressBy, egressBy, false, false);
    }

    /** Whether ingress is enforced, default-deny or default-allow. */
    public boolean ingress() {
        return ingressRules || !ingressBy.isEmpty();
    }

    /** Whether egress is enforced, default-deny or default-allow. */
    public boolean egress() {
        return egressRules || !egressBy.isEmpty();
    }

    public boolean enforced(Direction direction) {
        return direction == Direction.INGRESS ? ingress() : egress();
    }

    /** Enforced without default deny: only deny rules drop anything. */
    public boolean defaultAllow(Direction direction) {
        return enforced(direction) && by(direction).isEmpty();
    }

    public SortedSet<PolicyOrigin> by(Direction direction) {
        return direction == Direction.INGRESS ? ingressBy : egressBy;
    }
}
