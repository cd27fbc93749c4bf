// SPDX-License-Identifier: Apache-2.0
/**
 * The CNI protocol (spec 0.3.0 to 1.1.0) on the agent's side. The {@code porin-cni} executable forwards
 * each request here; this package parses and validates it, drives the endpoint manager, and encodes the
 * result or a CNI error object.
 */
package dev.porin.cni;
