// SPDX-License-Identifier: Apache-2.0
/** The node agent: configuration, start-up and shut-down, and the wiring of its parts. */
package dev.porin.agent;
