// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

/**
 * A reference to one element of one rule: the policy object, which of its rules, which direction and
 * kind, and which element. It is what a verdict names as its cause.
 */
public record RuleRef(PolicyOrigin origin, int rule, Direction direction, boolean deny, int element)
        implements Comparable<RuleRef> {

    @Override
    public int compareTo(RuleRef o) {
        int c = origin.compareTo(o.origin);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(rule, o.rule);
        if (c != 0) {
            return c;
        }
        c = direction.compareTo(o.direction);
        if (c != 0) {
            return c;
        }
        c = Boolean.compare(deny, o.deny);
        return c != 0 ? c : Integer.compare(element, o.element);
    }

    /** {@code default/allow-app-to-db (CiliumNetworkPolicy) rule 0 ingress[1]}. */
    @Override
    public String toString() {
        String list = direction == Direction.INGRESS ? (deny ? "ingressDeny" : "ingress") : (deny ? "egressDeny" : "egress");
        return origin + " rule " + rule + " " + list + "[" + element + "]";
    }
}
