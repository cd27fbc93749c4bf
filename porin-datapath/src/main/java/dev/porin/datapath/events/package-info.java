// SPDX-License-Identifier: Apache-2.0
/**
 * Datapath events: the ring buffer they arrive in, read in place through a shared mapping, and their
 * decoding into drop, trace and policy verdict records.
 */
package dev.porin.datapath.events;
