// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import java.util.Locale;

/** Cilium's entities: names for groups of identities that have no labels a user could select. */
public enum Entity {
    ALL, WORLD, WORLD_IPV4, WORLD_IPV6, CLUSTER, HOST, REMOTE_NODE, KUBE_APISERVER, INGRESS, INIT, HEALTH,
    UNMANAGED, NONE;

    /** {@code world}, {@code remote-node}, ... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Entity parse(String text) {
        for (Entity e : values()) {
            if (e.wireName().equals(text)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown entity '" + text + "' (expected one of all, world, cluster, host, "
                + "remote-node, kube-apiserver, ingress, init, health, unmanaged, none)");
    }
}
