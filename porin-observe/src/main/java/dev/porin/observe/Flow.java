// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import dev.porin.datapath.events.Packet;
import dev.porin.hubble.flow.TraceObservationPoint;
import dev.porin.hubble.flow.TraceReason;
import dev.porin.hubble.flow.TrafficDirection;
import dev.porin.hubble.flow.Verdict;

import java.util.List;

/**
 * One observed packet and what the datapath did with it, enriched. Compact on purpose: the ring holds
 * thousands, and Hubble's protobuf form is built only for flows a client asks for.
 *
 * @param eventType      the monitor event type (1 drop, 4 trace, 5 policy verdict) and {@code eventSubType}
 *                       (drop reason, observation point, 0)
 * @param dropReason     the drop code, 0 if not dropped
 * @param reply          whether the packet is a reply, null if the event cannot tell
 * @param matchType      for policy verdicts, how specific the deciding entry was (Cilium's match types)
 * @param reporter       the endpoint the event is about
 * @param allowedBy      the rules that allowed it, for policy verdicts
 * @param deniedBy       the rules (or default-deny policies) that denied it, for policy drops and audits
 */
public record Flow(long time, Verdict verdict, int dropReason, int eventType, int eventSubType,
                   FlowEndpoint source, FlowEndpoint destination, Packet packet, int length,
                   TrafficDirection direction, Boolean reply, TraceObservationPoint point, TraceReason traceReason,
                   int matchType, int hash, int ifindex, int reporter, List<PolicyCause> allowedBy,
                   List<PolicyCause> deniedBy, long policyRevision) implements FlowEvent {

    public static final int TYPE_DROP = 1;
    public static final int TYPE_TRACE = 4;
    public static final int TYPE_POLICY_VERDICT = 5;
}
