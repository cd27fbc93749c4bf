// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.metrics;

import dev.porin.datapath.events.Packet;
import dev.porin.hubble.flow.TraceObservationPoint;
import dev.porin.hubble.flow.TraceReason;
import dev.porin.hubble.flow.TrafficDirection;
import dev.porin.hubble.flow.Verdict;
import dev.porin.labels.Labels;
import dev.porin.observe.Flow;
import dev.porin.observe.FlowEndpoint;

import java.util.List;

/** Flows as the event reader makes them, for metrics tests. */
final class Flows {

    static final int POD = 300;
    static final int HOST = 1;

    private Flows() {
    }

    static Packet tcpSyn() {
        return packet(Packet.PROTO_TCP);
    }

    static Packet packet(int protocol) {
        return new Packet(0, 0, Packet.ETH_IPV4, 4, 0x0a000001, 0x0a000002, protocol, 40000, 8080,
                protocol == Packet.PROTO_TCP ? Packet.TCP_SYN : 0, 0, 0);
    }

    static Packet ipv6() {
        return new Packet(0, 0, Packet.ETH_IPV6, 6, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    static Flow trace(int point, Packet p) {
        return flow(Verdict.FORWARDED, 0, Flow.TYPE_TRACE, point, TrafficDirection.INGRESS, 0, POD, p);
    }

    static Flow drop(int reason, Packet p) {
        return flow(Verdict.DROPPED, reason, Flow.TYPE_DROP, reason, TrafficDirection.INGRESS, 0, POD, p);
    }

    static Flow verdict(Verdict v, int dropReason, TrafficDirection dir, int matchType, int sourceIdentity) {
        return flow(v, dropReason, Flow.TYPE_POLICY_VERDICT, 0, dir, matchType, sourceIdentity, tcpSyn());
    }

    static Flow flow(Verdict v, int dropReason, int type, int subType, TrafficDirection dir, int matchType,
                     int sourceIdentity, Packet p) {
        FlowEndpoint src = FlowEndpoint.ofIdentity(sourceIdentity, Labels.EMPTY);
        FlowEndpoint dst = FlowEndpoint.ofIdentity(POD + 1, Labels.EMPTY);
        return new Flow(0, v, dropReason, type, subType, src, dst, p, 60, dir, null,
                TraceObservationPoint.UNKNOWN_POINT, TraceReason.TRACE_REASON_UNKNOWN, matchType, 0, 0, 1, List.of(),
                List.of(), 1);
    }
}
