// SPDX-License-Identifier: Apache-2.0
/**
 * The Kubernetes objects Porin acts on, read from the YAML users apply: Namespaces and Pods (whose labels,
 * service accounts and named ports policies select on) and the policy objects, Kubernetes NetworkPolicy
 * and Cilium's CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy.
 * {@link dev.porin.k8s.ResourceParser} reads a whole file and accepts it only if every object in it is valid.
 */
package dev.porin.k8s;
