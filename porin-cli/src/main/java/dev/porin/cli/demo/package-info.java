// SPDX-License-Identifier: Apache-2.0
/**
 * The demo: a real agent on demo-only paths, pods as network namespaces plumbed by the CNI plugin exactly
 * as a container runtime calls it, real traffic, and a cleanup that runs on exit and on Ctrl-C.
 */
package dev.porin.cli.demo;
