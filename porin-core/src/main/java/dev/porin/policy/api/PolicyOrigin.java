// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

/**
 * The object a rule came from: kind, namespace (null for cluster-wide policies) and name. This is what
 * attribution reports ("which policy dropped my traffic?").
 */
public record PolicyOrigin(PolicyKind kind, String namespace, String name) implements Comparable<PolicyOrigin> {

    /** {@code namespace/name}, or just {@code name} for a cluster-wide policy. */
    public String qualifiedName() {
        return namespace == null ? name : namespace + "/" + name;
    }

    @Override
    public int compareTo(PolicyOrigin o) {
        return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
        return qualifiedName() + " (" + kind.kind() + ")";
    }
}
