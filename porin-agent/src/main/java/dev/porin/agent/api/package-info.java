// SPDX-License-Identifier: Apache-2.0
/**
 * The agent's REST API: HTTP/1.1 with JSON bodies on a Unix socket only root can reach. Requests run on
 * virtual threads; every failure becomes a JSON error answer, never a dead agent.
 */
package dev.porin.agent.api;
