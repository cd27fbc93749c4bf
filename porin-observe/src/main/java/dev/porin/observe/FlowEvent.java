// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

/** What the flow ring holds: flows, and markers where events were lost. */
public sealed interface FlowEvent permits Flow, LostEvents {

    /** Wall-clock time, nanoseconds since the epoch. */
    long time();
}
