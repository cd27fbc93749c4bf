// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import dev.porin.datapath.events.Packet;
import dev.porin.hubble.flow.TraceObservationPoint;
import dev.porin.hubble.flow.TraceReason;
import dev.porin.hubble.flow.TrafficDirection;
import dev.porin.hubble.flow.Verdict;

import java.util.List;

/**
 * Flows for tests that start from a flow rather than an event. The default is web's SYN to db:5432, traced
 * to db (ingress, new, forwarded); every field can be changed.
 */
final class FlowBuilder {

    private long time = 1_700_000_000_000_000_000L;
    private Verdict verdict = Verdict.FORWARDED;
    private int dropReason;
    private int eventType = Flow.TYPE_TRACE;
    private int eventSubType;
    private FlowEndpoint source = Fixtures.WEB;
    private FlowEndpoint destination = Fixtures.DB;
    private Packet packet = Fixtures.tcp(Fixtures.WEB_IP, 40000, Fixtures.DB_IP, 5432, Packet.TCP_SYN);
    private int length = 74;
    private TrafficDirection direction = TrafficDirection.INGRESS;
    private Boolean reply = false;
    private TraceObservationPoint point = TraceObservationPoint.TO_ENDPOINT;
    private TraceReason traceReason = TraceReason.NEW;
    private int matchType;
    private int hash = 0x1234;
    private int ifindex = 7;
    private int reporter = Fixtures.DB.id();
    private List<PolicyCause> allowedBy = List.of();
    private List<PolicyCause> deniedBy = List.of();
    private long revision = 3;

    static FlowBuilder flow() {
        return new FlowBuilder();
    }

    /** A drop of web's SYN at db's ingress. */
    static FlowBuilder drop(int reason) {
        return flow().verdict(Verdict.DROPPED).dropReason(reason).event(Flow.TYPE_DROP, reason).reply(null)
                .point(TraceObservationPoint.UNKNOWN_POINT).traceReason(TraceReason.TRACE_REASON_UNKNOWN);
    }

    FlowBuilder time(long nanos) {
        time = nanos;
        return this;
    }

    FlowBuilder verdict(Verdict v) {
        verdict = v;
        return this;
    }

    FlowBuilder dropReason(int r) {
        dropReason = r;
        return this;
    }

    FlowBuilder event(int type, int subType) {
        eventType = type;
        eventSubType = subType;
        return this;
    }

    FlowBuilder source(FlowEndpoint ep) {
        source = ep;
        return this;
    }

    FlowBuilder destination(FlowEndpoint ep) {
        destination = ep;
        return this;
    }

    FlowBuilder packet(Packet p) {
        packet = p;
        return this;
    }

    FlowBuilder direction(TrafficDirection d) {
        direction = d;
        return this;
    }

    FlowBuilder reply(Boolean r) {
        reply = r;
        return this;
    }

    FlowBuilder point(TraceObservationPoint p) {
        point = p;
        return this;
    }

    FlowBuilder traceReason(TraceReason r) {
        traceReason = r;
        return this;
    }

    FlowBuilder matchType(int m) {
        matchType = m;
        return this;
    }

    FlowBuilder ifindex(int i) {
        ifindex = i;
        return this;
    }

    FlowBuilder reporter(int endpoint) {
        reporter = endpoint;
        return this;
    }

    FlowBuilder allowedBy(PolicyCause... causes) {
        allowedBy = List.of(causes);
        return this;
    }

    FlowBuilder deniedBy(PolicyCause... causes) {
        deniedBy = List.of(causes);
        return this;
    }

    FlowBuilder revision(long r) {
        revision = r;
        return this;
    }

    Flow build() {
        return new Flow(time, verdict, dropReason, eventType, eventSubType, source, destination, packet, length,
                direction, reply, point, traceReason, matchType, hash, ifindex, reporter, allowedBy, deniedBy, revision);
    }
}
