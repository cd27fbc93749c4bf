// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

/** Traffic direction, seen from the endpoint the policy applies to. */
public enum Direction {
    INGRESS, EGRESS;

    /** {@code Ingress}, {@code Egress}: how cilium prints them. */
    public String title() {
        return this == INGRESS ? "Ingress" : "Egress";
    }
}
