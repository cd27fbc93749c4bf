// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

/** The kinds of object that carry policy, by the names Kubernetes and Cilium give them. */
public enum PolicyKind {
    NETWORK_POLICY("NetworkPolicy", "networking.k8s.io/v1"),
    CILIUM_NETWORK_POLICY("CiliumNetworkPolicy", "cilium.io/v2"),
    CILIUM_CLUSTERWIDE_NETWORK_POLICY("CiliumClusterwideNetworkPolicy", "cilium.io/v2"),
    /** Rules the agent adds by itself, such as letting the local host reach its endpoints; never parsed. */
    AGENT("PorinAgent", "porin.dev/v1");

    private final String kind;
    private final String apiVersion;

    PolicyKind(String kind, String apiVersion) {
        this.kind = kind;
        this.apiVersion = apiVersion;
    }

    public String kind() {
        return kind;
    }

    public String apiVersion() {
        return apiVersion;
    }

    public boolean namespaced() {
        return this == NETWORK_POLICY || this == CILIUM_NETWORK_POLICY;
    }

    /** The kind of a document, or null for one that carries no user policy. */
    public static PolicyKind ofKind(String kind) {
        for (PolicyKind k : values()) {
            if (k != AGENT && k.kind.equals(kind)) {
                return k;
            }
        }
        return null;
    }
}
