// SPDX-License-Identifier: Apache-2.0
/**
 * Version 1 of the agent's REST API, served on {@code /var/run/porin/porin.sock}: endpoints, status,
 * conntrack and errors. Field names are the JSON names.
 */
package dev.porin.api.v1;
