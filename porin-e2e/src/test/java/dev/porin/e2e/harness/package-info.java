// SPDX-License-Identifier: Apache-2.0
/**
 * End-to-end harness: a real agent process on test-only paths, pods as network namespaces created with
 * iproute2 and plumbed by the installed {@code porin-cni} exactly as a runtime calls it, and traffic
 * between them. Every name carries a per-run random suffix; everything is removed afterwards, also when
 * a test fails.
 */
package dev.porin.e2e.harness;
