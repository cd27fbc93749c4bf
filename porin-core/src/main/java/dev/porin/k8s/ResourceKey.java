// SPDX-License-Identifier: Apache-2.0
package dev.porin.k8s;

/**
 * What identifies an object in a cluster: its Kubernetes kind ({@code Namespace}, {@code Pod},
 * {@code NetworkPolicy}, {@code CiliumNetworkPolicy}, {@code CiliumClusterwideNetworkPolicy}), its
 * namespace (null for cluster-scoped kinds) and its name.
 */
public record ResourceKey(String kind, String namespace, String name) {

    /** {@code Pod default/web}, {@code Namespace prod}. */
    @Override
    public String toString() {
        return kind + " " + (namespace == null ? name : namespace + "/" + name);
    }
}
