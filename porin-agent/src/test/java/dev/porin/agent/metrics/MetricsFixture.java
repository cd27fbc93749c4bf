// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.metrics;

import dev.porin.api.v1.StatusModel.MapFill;
import dev.porin.datapath.events.Packet;
import dev.porin.datapath.maps.MetricsMap;
import dev.porin.datapath.maps.MetricsMap.Key;
import dev.porin.datapath.maps.MetricsMap.Value;
import dev.porin.hubble.flow.LostEventSource;
import dev.porin.hubble.flow.TrafficDirection;
import dev.porin.hubble.flow.Verdict;
import dev.porin.observe.Flow;
import dev.porin.observe.LostEvents;
import dev.porin.observe.PolicyCause;
import dev.porin.policy.api.PolicyKind;
import dev.porin.policy.api.PolicyOrigin;
import dev.porin.testing.MemoryKvMap;

import java.util.List;
import java.util.Map;

import static dev.porin.endpoint.EndpointState.READY;
import static dev.porin.endpoint.EndpointState.RESTORING;

/** The agent's metrics over fakes, with data in every family, as a busy agent exposes them. */
final class MetricsFixture {

    private MetricsFixture() {
    }

    static Metrics populated() {
        MemoryKvMap<Key, Value> map = new MemoryKvMap<>(MetricsMap.NAME, 1024);
        map.put(new Key(133, MetricsMap.DIR_INGRESS), new Value(5, 370));
        map.put(new Key(0, MetricsMap.DIR_EGRESS), new Value(7, 700));
        Metrics metrics = new Metrics()
                .datapath(map)
                .maps(() -> List.of(new MapFill("porin_ct", 256, 1024), new MapFill("porin_unsized", 3, 0)))
                .endpoints(() -> List.of(READY, READY, RESTORING))
                .policy(() -> new PolicyStats(3, 7, Map.of("reserved", 8, "cluster_local", 2, "node_local", 1), 5, 1))
                .events(() -> 42, () -> 2);
        metrics.flows().forEach(l -> l.flow(Flows.trace(0, Flows.tcpSyn())));
        metrics.flows().forEach(l -> l.flow(Flows.drop(133, Flows.tcpSyn())));
        metrics.flows().forEach(l -> l.flow(Flows.trace(0, Flows.packet(Packet.PROTO_UDP))));
        Flow denied = Flows.verdict(Verdict.DROPPED, 133, TrafficDirection.INGRESS, 0, Flows.POD);
        Flow attributed = new Flow(denied.time(), denied.verdict(), denied.dropReason(), denied.eventType(),
                denied.eventSubType(), denied.source(), denied.destination(), denied.packet(), denied.length(),
                denied.direction(), denied.reply(), denied.point(), denied.traceReason(), denied.matchType(),
                denied.hash(), denied.ifindex(), denied.reporter(), List.of(),
                List.of(PolicyCause.defaultDeny(new PolicyOrigin(PolicyKind.CILIUM_NETWORK_POLICY, "default", "db"))),
                denied.policyRevision());
        metrics.flows().forEach(l -> l.flow(attributed));
        metrics.flows().forEach(l -> l.lost(new LostEvents(0, LostEventSource.PERF_EVENT_RING_BUFFER, 2)));
        metrics.api().answered("GET", "/v1/status", 200, 1_000_000);
        return metrics;
    }
}
