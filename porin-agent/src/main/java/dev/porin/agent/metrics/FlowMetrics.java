// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.metrics;

import dev.porin.datapath.events.Packet;
import dev.porin.hubble.flow.DropReason;
import dev.porin.hubble.flow.TrafficDirection;
import dev.porin.hubble.flow.Verdict;
import dev.porin.identity.Identity;
import dev.porin.observe.Flow;
import dev.porin.observe.FlowListener;
import dev.porin.observe.LostEvents;
import dev.porin.policy.PolicyLookup;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.Locale;

/**
 * Hubble's flow metrics ({@code flow}, {@code drop}, {@code policy} and lost events), with Hubble's names,
 * labels and label values, counted as the event reader makes each flow. Hubble counts a denied packet's
 * policy verdict and its drop both as drops; so does this.
 *
 * <p>It runs for every flow on the reader's thread: the label values are packed into an int that indexes
 * a {@link CounterTable}, so counting a flow allocates nothing once its label combination has been seen.
 */
final class FlowMetrics implements FlowListener {

    /** Hubble's protocol names, for what Porin dissects; 0 for anything else. */
    private static final String[] PROTOCOLS = {"Unknown L4", "TCP", "UDP", "ICMPv4", "SCTP"};
    private static final String[] TYPES = {"Drop", "Trace", "PolicyVerdict"};
    /** Observation points by datapath number, as Cilium names them; the last stands for an unnamed one. */
    private static final String[] POINTS = {"to-endpoint", "to-proxy", "to-host", "to-stack", "to-overlay",
            "from-endpoint", "from-proxy", "from-host", "from-stack", "from-overlay", "from-network", "to-network",
            "from-crypto", "to-crypto", ""};
    private static final int NO_POINT = POINTS.length - 1;
    private static final Verdict[] VERDICTS = Verdict.values();
    private static final TrafficDirection[] DIRECTIONS = TrafficDirection.values();

    private final Counter processed;
    private final CounterTable flows;
    private final CounterTable drops;
    private final CounterTable verdicts;
    private final Counter lost;

    FlowMetrics(PrometheusRegistry registry) {
        processed = counter(registry, "hubble_flows_processed_total", "Total number of flows processed",
                "protocol", "type", "subtype", "verdict");
        // protocol: 3 bits, type: 2, subtype: 4, verdict: 4
        flows = new CounterTable(processed, 1 << 13, i -> new String[] {PROTOCOLS[i & 7], TYPES[i >> 3 & 3],
                POINTS[i >> 5 & 15], VERDICTS[i >> 9].name()});
        // reason: 8 bits, protocol: 3
        drops = new CounterTable(counter(registry, "hubble_drop_total", "Number of drops", "reason", "protocol"),
                1 << 11, i -> new String[] {dropReason(i & 255), PROTOCOLS[i >> 8]});
        // direction: 2 bits, match: 3, action: 4
        verdicts = new CounterTable(counter(registry, "hubble_policy_verdicts_total",
                "Total number of Cilium network policy verdicts", "direction", "match", "action"), 1 << 9,
                i -> new String[] {lower(DIRECTIONS[i & 3].name()),
                        lower(PolicyLookup.MatchType.of(i >> 2 & 7).text()), lower(VERDICTS[i >> 5].name())});
        lost = counter(registry, "hubble_lost_events_total", "Number of lost events", "source");
    }

    private static Counter counter(PrometheusRegistry registry, String name, String help, String... labels) {
        return Counter.builder().name(name).help(help).labelNames(labels).withoutExemplars().register(registry);
    }

    @Override
    public void flow(Flow f) {
        int protocol = protocol(f.packet());
        int verdict = f.verdict().ordinal();
        int type = switch (f.eventType()) {
            case Flow.TYPE_DROP -> 0;
            case Flow.TYPE_TRACE -> 1;
            case Flow.TYPE_POLICY_VERDICT -> 2;
            default -> -1;
        };
        if (type < 0) {
            // Hubble's label for an event type it does not know; none reaches here today.
            processed.labelValues(PROTOCOLS[protocol], "Unknown", Integer.toString(f.eventType()),
                    f.verdict().name()).inc();
        } else {
            int point = type == 1 && f.eventSubType() >= 0 && f.eventSubType() < NO_POINT ? f.eventSubType() : NO_POINT;
            flows.get(protocol | type << 3 | point << 5 | verdict << 9).inc();
        }
        if (f.verdict() == Verdict.DROPPED) {
            int reason = f.dropReason() > 0 && f.dropReason() < 256 ? f.dropReason() : 0;
            drops.get(reason | protocol << 8).inc();
        }
        // Hubble leaves out verdicts on traffic from the host, which may reach every local endpoint.
        if (type == 2 && f.source().identity() != Identity.HOST) {
            verdicts.get(f.direction().ordinal() | (f.matchType() & 7) << 2 | verdict << 5).inc();
        }
    }

    @Override
    public void lost(LostEvents l) {
        lost.labelValues(lower(l.source().name())).inc(l.count());
    }

    private static int protocol(Packet p) {
        if (!p.isIpv4()) {
            return 0;
        }
        return switch (p.protocol()) {
            case Packet.PROTO_TCP -> 1;
            case Packet.PROTO_UDP -> 2;
            case Packet.PROTO_ICMP -> 3;
            case Packet.PROTO_SCTP -> 4;
            default -> 0;
        };
    }

    private static String dropReason(int code) {
        DropReason r = DropReason.forNumber(code);
        return (r == null ? DropReason.DROP_REASON_UNKNOWN : r).name();
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
