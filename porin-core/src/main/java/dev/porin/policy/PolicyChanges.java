// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.net.Ipv4Prefix;

import java.util.Map;
import java.util.Set;

/**
 * Everything the datapath must change after a batch of policy, identity or endpoint updates: per-endpoint
 * map changes, CIDR identities to put in (or take out of) the IP cache, and the new policy revision.
 */
public record PolicyChanges(long revision, Map<Integer, EndpointChanges> endpoints,
                            Map<Ipv4Prefix, Integer> cidrUpserts, Set<Ipv4Prefix> cidrDeletes) {

    public boolean isEmpty() {
        return endpoints.isEmpty() && cidrUpserts.isEmpty() && cidrDeletes.isEmpty();
    }
}
