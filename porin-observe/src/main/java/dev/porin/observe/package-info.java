// SPDX-License-Identifier: Apache-2.0
/**
 * Flows: datapath events enriched with who sent and received a packet (endpoint, pod, labels, identity)
 * and why it was forwarded or dropped (the policies and rules, or the subsystem), kept in a bounded ring and
 * served with Hubble's filters and API.
 */
package dev.porin.observe;
