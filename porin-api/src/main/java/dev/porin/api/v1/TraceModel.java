// SPDX-License-Identifier: Apache-2.0
package dev.porin.api.v1;

import java.util.List;

/** The answer to a {@code porin policy trace}: each side's decision and why, and the outcome. */
public record TraceModel(String source, List<String> sourceLabels, String destination, List<String> destinationLabels,
                         String port, Side egress, Side ingress, boolean allowed) {

    /**
     * One side. {@code verdict}: {@code not enforced}, {@code allowed}, {@code denied by rule} or
     * {@code denied (no rule allows it)}; {@code rules} decided it; {@code defaultDenyBy} made the side
     * default-deny.
     */
    public record Side(String direction, String verdict, String match, List<String> rules, List<String> defaultDenyBy) {
    }
}
