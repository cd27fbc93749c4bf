// SPDX-License-Identifier: Apache-2.0
/**
 * The node's kernel plumbing: the host device that carries the pods' gateway address, and the
 * production {@link dev.porin.endpoint.PodNetwork} over rtnetlink and the datapath.
 */
package dev.porin.agent.node;
