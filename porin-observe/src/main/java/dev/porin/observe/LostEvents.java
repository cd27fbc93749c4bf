// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import dev.porin.hubble.flow.LostEventSource;

/**
 * A marker where {@code count} events were lost: in the datapath's ring buffer (the reader was too slow),
 * in the flow ring (a client read too slowly and was overtaken), or on the way to one client.
 */
public record LostEvents(long time, LostEventSource source, long count) implements FlowEvent {
}
