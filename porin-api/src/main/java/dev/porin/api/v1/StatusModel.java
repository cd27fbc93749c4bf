// SPDX-License-Identifier: Apache-2.0
package dev.porin.api.v1;

import java.util.List;
import java.util.Map;

/** The agent's view of itself and of the node's datapath, as {@code porin status} prints it. */
public record StatusModel(
        String version,
        long uptimeSeconds,
        Kernel kernel,
        Datapath datapath,
        Ipam ipam,
        Endpoints endpoints,
        List<MapFill> maps,
        Cni cni,
        Api api,
        Policy policy,
        Observability observability) {

    /** {@code features}: each eBPF feature Porin uses and whether the running kernel offers it. */
    public record Kernel(String release, Map<String, Boolean> features) {
    }

    public record Datapath(String state, String attachMode, String pinPath, List<String> programs) {
    }

    public record Ipam(String podCidr, String router, int allocated, long capacity) {
    }

    public record Endpoints(int total, Map<String, Integer> byState) {
    }

    public record MapFill(String name, int entries, int maxEntries) {
    }

    public record Cni(String plugin, String config, String network) {
    }

    public record Api(String socket) {
    }

    /**
     * Policy in force: policy objects, the revision, identities, and what did not fit: endpoints whose policy
     * map is full (endpoint ID → entries left out; their traffic is dropped) and endpoints isolated because
     * no identity was free for their labels.
     */
    public record Policy(int policies, long revision, int identities, int policyMapMaxEntries,
                         Map<Integer, Integer> policyMapOverflow, List<Integer> identityExhausted) {
    }

    /**
     * Flows and metrics: where the Hubble-compatible API and Prometheus listen (null if off), the flow
     * ring's fill, and datapath events read and lost (the ring buffer was full).
     */
    public record Observability(String hubbleAddress, String metricsAddress, int flows, int maxFlows, long seenFlows,
                                double flowsPerSecond, long eventsReceived, long eventsLost) {
    }
}
