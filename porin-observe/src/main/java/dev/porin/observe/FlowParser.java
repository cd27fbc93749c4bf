// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import dev.porin.datapath.DropReason;
import dev.porin.datapath.events.DatapathEvent;
import dev.porin.datapath.events.Packet;
import dev.porin.hubble.flow.TraceObservationPoint;
import dev.porin.hubble.flow.TraceReason;
import dev.porin.hubble.flow.TrafficDirection;
import dev.porin.hubble.flow.Verdict;
import dev.porin.policy.api.Direction;

import java.util.List;

/**
 * Turns datapath events into flows: resolves both ends to pods or identities, derives direction and reply
 * the way Hubble does, and names the policies behind every verdict. Runs on the event reader's thread;
 * everything it asks the {@link FlowContext} is answered without locks.
 */
public final class FlowParser {

    private static final int CT_REPLY = 2;
    /** Datapath trace reasons: 0 new, 1 established, 2 reply, 3 related, 4 reopened, 5 unknown, 6.. others. */
    private static final int CT_UNKNOWN = 5;
    /** Set in a trace reason when the packet was encrypted. */
    private static final int CT_ENCRYPTED = 0x80;

    private final FlowContext context;

    public FlowParser(FlowContext context) {
        this.context = context;
    }

    /**
     * @param epochOffset nanoseconds to add to the kernel's monotonic clock to get wall-clock time
     */
    public Flow parse(DatapathEvent event, long epochOffset) {
        long time = event.ktime() + epochOffset;
        return switch (event) {
            case DatapathEvent.Drop d -> drop(d, time);
            case DatapathEvent.Trace t -> trace(t, time);
            case DatapathEvent.PolicyVerdict v -> verdict(v, time);
        };
    }

    private Flow drop(DatapathEvent.Drop d, long time) {
        Packet p = d.packet();
        FlowEndpoint src = resolve(p.srcIp(), d.sourceIdentity(), p.isIpv4());
        FlowEndpoint dst = resolve(p.dstIp(), d.destinationIdentity(), p.isIpv4());
        Direction dir = d.ingress() ? Direction.INGRESS : Direction.EGRESS;
        List<PolicyCause> deniedBy = List.of();
        if (d.reason() == DropReason.POLICY.code() || d.reason() == DropReason.POLICY_DENY.code()) {
            deniedBy = causes(d.cookie(), d.endpoint(), dir);
        }
        return new Flow(time, Verdict.DROPPED, d.reason(), Flow.TYPE_DROP, d.reason(), src, dst, p, d.length(),
                direction(dir), null, TraceObservationPoint.UNKNOWN_POINT, TraceReason.TRACE_REASON_UNKNOWN, 0,
                d.hash(), d.ifindex(), d.endpoint(), List.of(), deniedBy, context.policyRevision());
    }

    private Flow trace(DatapathEvent.Trace t, long time) {
        Packet p = t.packet();
        FlowEndpoint src = resolve(p.srcIp(), t.sourceIdentity(), p.isIpv4());
        FlowEndpoint dst = resolve(p.dstIp(), t.destinationIdentity(), p.isIpv4());
        // Hubble: the reason is the connection's state, without the encryption bit; the unknown state tells
        // neither reply nor direction.
        int state = t.ctState() & ~CT_ENCRYPTED;
        boolean known = state != CT_UNKNOWN;
        boolean reply = state == CT_REPLY;
        // Hubble: egress if the reporting endpoint sent the packet, unless it is a reply.
        boolean fromReporter = src.id() != 0 && src.id() == t.endpoint();
        TrafficDirection dir = !known || t.endpoint() == 0 ? TrafficDirection.TRAFFIC_DIRECTION_UNKNOWN
                : fromReporter != reply ? TrafficDirection.EGRESS : TrafficDirection.INGRESS;
        return new Flow(time, Verdict.FORWARDED, 0, Flow.TYPE_TRACE, t.point(), src, dst, p, t.length(), dir,
                known ? reply : null, observationPoint(t.point()), traceReason(state), 0, t.hash(), t.ifindex(),
                t.endpoint(), List.of(), List.of(), context.policyRevision());
    }

    private Flow verdict(DatapathEvent.PolicyVerdict v, long time) {
        Packet p = v.packet();
        Direction dir = v.ingress() ? Direction.INGRESS : Direction.EGRESS;
        FlowEndpoint local = context.endpointByIp(v.ingress() ? p.dstIp() : p.srcIp());
        if (local == null || local.id() != v.endpoint()) {
            local = FlowEndpoint.of(v.endpoint(), 0, "", "", dev.porin.labels.Labels.EMPTY);
        }
        FlowEndpoint remote = resolve(v.ingress() ? p.srcIp() : p.dstIp(), v.remoteIdentity(), p.isIpv4());
        Verdict verdict;
        int dropReason = 0;
        List<PolicyCause> allowedBy = List.of();
        List<PolicyCause> deniedBy = List.of();
        if (v.audited()) {
            verdict = Verdict.AUDIT;
            deniedBy = causes(v.cookie(), v.endpoint(), dir);
        } else if (v.verdict() < 0) {
            verdict = Verdict.DROPPED;
            dropReason = -v.verdict();
            deniedBy = causes(v.cookie(), v.endpoint(), dir);
        } else {
            verdict = v.verdict() > 0 ? Verdict.REDIRECTED : Verdict.FORWARDED;
            allowedBy = context.rules(v.cookie());
        }
        return new Flow(time, verdict, dropReason, Flow.TYPE_POLICY_VERDICT, 0, v.ingress() ? remote : local,
                v.ingress() ? local : remote, p, v.length(), direction(dir),
                verdict == Verdict.DROPPED ? null : Boolean.FALSE, TraceObservationPoint.UNKNOWN_POINT,
                TraceReason.TRACE_REASON_UNKNOWN, v.matchType(), v.hash(), 0, v.endpoint(), allowedBy, deniedBy,
                context.policyRevision());
    }

    /** A cookie's rules, or for a default-deny decision (cookie 0) the policies that made it so. */
    private List<PolicyCause> causes(int cookie, int endpoint, Direction dir) {
        return cookie != 0 ? context.rules(cookie) : context.defaultDeny(endpoint, dir);
    }

    /** The pod behind an address, as the datapath identified it; else the bare identity. */
    private FlowEndpoint resolve(int ip, int identity, boolean ipv4) {
        FlowEndpoint ep = ipv4 ? context.endpointByIp(ip) : null;
        if (ep == null) {
            return context.identity(identity);
        }
        return identity == 0 || ep.identity() == identity ? ep
                : ep.withIdentity(identity, context.identity(identity).labels());
    }

    private static TrafficDirection direction(Direction d) {
        return d == Direction.INGRESS ? TrafficDirection.INGRESS : TrafficDirection.EGRESS;
    }

    /** Cilium numbers to-endpoint 0, Hubble 101; the rest are equal. */
    static TraceObservationPoint observationPoint(int point) {
        if (point == 0) {
            return TraceObservationPoint.TO_ENDPOINT;
        }
        TraceObservationPoint p = TraceObservationPoint.forNumber(point);
        return p == null ? TraceObservationPoint.UNKNOWN_POINT : p;
    }

    /** Hubble's numbers are the datapath's shifted by one below its unknown (5), which is 0, and equal above. */
    static TraceReason traceReason(int ctState) {
        int state = ctState & ~CT_ENCRYPTED;
        TraceReason r = state == CT_UNKNOWN ? TraceReason.TRACE_REASON_UNKNOWN
                : TraceReason.forNumber(state < CT_UNKNOWN ? state + 1 : state);
        return r == null ? TraceReason.TRACE_REASON_UNKNOWN : r;
    }
}
