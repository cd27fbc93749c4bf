// SPDX-License-Identifier: Apache-2.0
/**
 * Policy on a node: the embedded store of applied Kubernetes objects, the identities of endpoints, the
 * policy engine, and the datapath maps they feed. All changes run under one lock, the endpoint manager's,
 * so that an endpoint never reaches the kernel without its identity and policy.
 */
package dev.porin.agent.policy;
