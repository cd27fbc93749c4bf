// SPDX-License-Identifier: Apache-2.0
/** The {@code porin} command line: talks to the agent over its Unix socket and prints what a cilium user recognises. */
package dev.porin.cli;
