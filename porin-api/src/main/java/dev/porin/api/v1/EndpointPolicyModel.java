// SPDX-License-Identifier: Apache-2.0
package dev.porin.api.v1;

import java.util.List;

/**
 * An endpoint's policy as the kernel holds it: enforcement per direction with the policies that turned it
 * on, and every policy map entry with the rules behind it.
 *
 * @param notInstalled entries the policy has but the full map could not take (their traffic is dropped)
 */
public record EndpointPolicyModel(int endpoint, int identity, Enforcement enforcement, List<Entry> entries,
                                  int maxEntries, int notInstalled, long revision) {

    public record Enforcement(boolean ingress, boolean egress, boolean audit, List<String> ingressBy,
                              List<String> egressBy) {
    }

    /**
     * @param portProtocol {@code ANY}, {@code TCP}, {@code 80/TCP}, {@code 1024-2047/TCP}
     * @param rules        the rules that produced the entry, e.g. {@code default/x (CiliumNetworkPolicy) rule 0 ingress[1]}
     */
    public record Entry(String action, String direction, int identity, List<String> identityLabels,
                        String portProtocol, int prefixLength, int cookie, List<String> rules) {
    }
}
