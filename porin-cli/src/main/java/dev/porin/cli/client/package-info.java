// SPDX-License-Identifier: Apache-2.0
/** A small HTTP/1.1 client for the agent's Unix socket, on the JDK alone. */
package dev.porin.cli.client;
