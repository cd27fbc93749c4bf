// SPDX-License-Identifier: Apache-2.0
/**
 * The node's eBPF datapath as the agent sees it: the compiled programs, loaded once, attached to each
 * endpoint's veth, with their pinned maps and load-time configuration.
 */
package dev.porin.datapath;
