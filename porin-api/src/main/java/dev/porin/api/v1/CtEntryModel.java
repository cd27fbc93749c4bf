// SPDX-License-Identifier: Apache-2.0
package dev.porin.api.v1;

import java.util.List;

/**
 * One tracked connection, by its original direction. {@code expires} is in the datapath's clock (seconds
 * of CLOCK_MONOTONIC), {@code remainingSeconds} how long until then.
 */
public record CtEntryModel(
        String protocol,
        String source,
        int sourcePort,
        String destination,
        int destinationPort,
        long expires,
        long remainingSeconds,
        List<String> flags,
        long txPackets,
        long txBytes,
        long rxPackets,
        long rxBytes,
        int txFlagsSeen,
        int rxFlagsSeen,
        int sourceIdentity) {
}
