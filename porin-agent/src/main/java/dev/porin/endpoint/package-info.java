// SPDX-License-Identifier: Apache-2.0
/**
 * Endpoints: a pod's interface on this node, from creation by the CNI plugin to deletion. The manager
 * plumbs the pod through {@link dev.porin.endpoint.PodNetwork}, programs the datapath maps, persists each
 * endpoint, and restores them all on start without touching live traffic.
 */
package dev.porin.endpoint;
