// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.policy;

import dev.porin.datapath.maps.PolicyMap;

import java.util.Set;

/** The per-endpoint policy maps: the kernel's in production, in-memory ones in tests. */
public interface PolicyMapStore {

    /** The endpoint's map, created if needed. */
    PolicyMap forEndpoint(int endpoint);

    void remove(int endpoint);

    /** Endpoints that have a map. */
    Set<Integer> endpoints();

    int maxEntries();
}
