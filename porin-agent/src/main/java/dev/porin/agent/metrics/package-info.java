// SPDX-License-Identifier: Apache-2.0
/**
 * Prometheus metrics: the agent's and the datapath's under Cilium's names with a {@code porin_} prefix,
 * and Hubble's flow metrics under Hubble's own names, so that existing dashboards and alerts keep working.
 * Values that already live somewhere (map counters, endpoint states, policy revision) are read when
 * Prometheus scrapes; only flows and API requests are counted as they happen.
 */
package dev.porin.agent.metrics;
