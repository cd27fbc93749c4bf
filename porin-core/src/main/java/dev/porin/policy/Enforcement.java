// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.policy.api.PolicyOrigin;

import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Whether an endpoint is default-deny in each direction, and which policies made it so: the answer to
 * "why was this dropped when no rule denies it?".
 */
public record Enforcement(SortedSet<PolicyOrigin> ingressBy, SortedSet<PolicyOrigin> egressBy) {

    public static final Enforcement NONE = new Enforcement(new TreeSet<>(), new TreeSet<>());

    public Enforcement {
        ingressBy = new TreeSet<>(ingressBy);
        egressBy = new TreeSet<>(egressBy);
    }

    public boolean ingress() {
        return !ingressBy.isEmpty();
    }

    public boolean egress() {
        return !egressBy.isEmpty();
    }

    public SortedSet<PolicyOrigin> by(dev.porin.policy.api.Direction direction) {
        return direction == dev.porin.policy.api.Direction.INGRESS ? ingressBy : egressBy;
    }
}
