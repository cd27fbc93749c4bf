// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.metrics;

import dev.porin.agent.policy.PolicyManager;
import dev.porin.identity.Identity;
import dev.porin.policy.PolicyEngine;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the policy metrics show, read from the engine in one go.
 *
 * @param rules      rules loaded, over every policy object
 * @param revision   the policy revision
 * @param identities identities by Cilium's type names: {@code reserved}, {@code cluster_local} (allocated
 *                   for endpoints' labels), {@code node_local} (CIDR)
 * @param overflowEntries policy entries not installed because endpoints' policy maps are full
 * @param isolatedEndpoints endpoints isolated because the identity space was exhausted
 */
record PolicyStats(int rules, long revision, Map<String, Integer> identities, int overflowEntries,
                   int isolatedEndpoints) {

    static final List<String> IDENTITY_TYPES = List.of("reserved", "cluster_local", "node_local");

    /** Reads the engine and the manager's datapath state; the caller holds the policy lock. */
    static PolicyStats of(PolicyManager policy) {
        PolicyStats s = of(policy.engine());
        return new PolicyStats(s.rules(), s.revision(), s.identities(),
                policy.policyMapOverflows().values().stream().mapToInt(Integer::intValue).sum(),
                policy.isolatedEndpoints().size());
    }

    /** Reads the engine; the caller holds its lock. */
    static PolicyStats of(PolicyEngine engine) {
        int rules = engine.policies().values().stream().mapToInt(List::size).sum();
        Map<String, Integer> identities = new TreeMap<>();
        IDENTITY_TYPES.forEach(t -> identities.put(t, 0));
        engine.identities().forEach(i -> identities.merge(type(i), 1, Integer::sum));
        return new PolicyStats(rules, engine.revision(), identities, 0, 0);
    }

    private static String type(Identity i) {
        return i.isReserved() ? "reserved" : i.isCidr() ? "node_local" : "cluster_local";
    }
}
