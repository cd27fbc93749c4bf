// SPDX-License-Identifier: Apache-2.0
/**
 * Network policy as users write it: Kubernetes NetworkPolicy and Cilium's CiliumNetworkPolicy /
 * CiliumClusterwideNetworkPolicy, parsed from YAML into {@link dev.porin.policy.api.Rule}s by
 * {@link dev.porin.policy.api.NetworkPolicyParser} and {@link dev.porin.policy.api.CiliumPolicyParser}.
 * Parsing validates every field and names the document, the field and the reason for anything it refuses
 * (see {@link dev.porin.policy.api.Node}); importing applies Kubernetes' and Cilium's namespace scoping, so
 * that rules are ready to resolve.
 */
package dev.porin.policy.api;
