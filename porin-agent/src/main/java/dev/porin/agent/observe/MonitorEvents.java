// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.observe;

import dev.porin.api.v1.MonitorEventModel;
import dev.porin.datapath.DropReason;
import dev.porin.datapath.events.Packet;
import dev.porin.hubble.flow.TrafficDirection;
import dev.porin.hubble.flow.Verdict;
import dev.porin.observe.Flow;
import dev.porin.observe.FlowEvent;
import dev.porin.observe.FlowProtos;
import dev.porin.observe.LostEvents;
import dev.porin.observe.PolicyCause;
import dev.porin.policy.PolicyLookup;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Flows as {@code porin monitor} shows them: Cilium's monitor messages, field for field. */
public final class MonitorEvents {

    private static final String[] POINTS = {"to-endpoint", "to-proxy", "to-host", "to-stack", "to-overlay",
            "from-endpoint", "from-proxy", "from-host", "from-stack", "from-overlay", "from-network", "to-network",
            "from-crypto", "to-crypto"};
    private static final String[] STATES = {"new", "established", "reply", "related"};

    private MonitorEvents() {
    }

    /** The monitor type name of an event: {@code drop}, {@code trace}, {@code policy-verdict}, {@code lost}. */
    public static String type(FlowEvent e) {
        return switch (e) {
            case LostEvents l -> "lost";
            case Flow f -> switch (f.eventType()) {
                case Flow.TYPE_DROP -> "drop";
                case Flow.TYPE_TRACE -> "trace";
                case Flow.TYPE_POLICY_VERDICT -> "policy-verdict";
                default -> "unknown";
            };
        };
    }

    public static MonitorEventModel of(FlowEvent e) {
        String time = time(e.time());
        if (e instanceof LostEvents l) {
            return new MonitorEventModel("lost", time, null, null, null, null, null, null, null, null, null, null,
                    null, null, null, null, null, null, null, null, null, null, null, l.count(),
                    l.source().name().toLowerCase(Locale.ROOT));
        }
        Flow f = (Flow) e;
        Packet p = f.packet();
        String type = type(f);
        String hash = "0x" + Integer.toHexString(f.hash());
        String dir = f.direction() == TrafficDirection.INGRESS ? "ingress"
                : f.direction() == TrafficDirection.EGRESS ? "egress" : null;
        List<String> policies = policies(f);
        return switch (f.eventType()) {
            case Flow.TYPE_DROP -> new MonitorEventModel(type, time, hash, f.reporter(), f.destination().id(),
                    f.source().identity(), f.destination().identity(), f.source().labelStrings(),
                    f.destination().labelStrings(), f.ifindex(), f.length(), f.dropReason(),
                    dropText(f.dropReason()), null, null, dir, null, null, null, null, null, policies, summary(p),
                    null, null);
            case Flow.TYPE_TRACE -> new MonitorEventModel(type, time, hash, f.reporter(), f.destination().id(),
                    f.source().identity(), f.destination().identity(), f.source().labelStrings(),
                    f.destination().labelStrings(), f.ifindex(), f.length(), null, null, point(f.eventSubType()),
                    state(f), null, null, null, null, null, null, null, summary(p), null, null);
            default -> {
                boolean ingress = f.direction() == TrafficDirection.INGRESS;
                int remote = ingress ? f.source().identity() : f.destination().identity();
                yield new MonitorEventModel(type, time, hash, f.reporter(), f.destination().id(),
                        f.source().identity(), f.destination().identity(), f.source().labelStrings(),
                        f.destination().labelStrings(), null, f.length(), f.dropReason() == 0 ? null : f.dropReason(),
                        f.dropReason() == 0 ? null : dropText(f.dropReason()), null, null, dir, action(f.verdict()),
                        PolicyLookup.MatchType.of(f.matchType()).text(), remote, p.protocol(),
                        p.dstPort(), policies, summary(p), null, null);
            }
        };
    }

    /** Cilium's dissection summary: {@code 10.0.0.1:5555 -> 10.0.0.2:80 tcp SYN}. */
    public static String summary(Packet p) {
        if (!p.isIpv4()) {
            return p.ipVersion() == 6 ? "IPv6" : p.etherType() == Packet.ETH_ARP ? "ARP" : "Ethernet";
        }
        String src = Packet.ipv4(p.srcIp());
        String dst = Packet.ipv4(p.dstIp());
        return switch (p.protocol()) {
            case Packet.PROTO_TCP -> src + ":" + p.srcPort() + " -> " + dst + ":" + p.dstPort() + " tcp "
                    + FlowProtos.tcpFlagNames(p.tcpFlags());
            case Packet.PROTO_UDP -> src + ":" + p.srcPort() + " -> " + dst + ":" + p.dstPort() + " udp";
            case Packet.PROTO_SCTP -> src + ":" + p.srcPort() + " -> " + dst + ":" + p.dstPort() + " sctp";
            case Packet.PROTO_ICMP -> src + " -> " + dst + " " + FlowProtos.icmpName(p.icmpType(), p.icmpCode());
            default -> src + " -> " + dst + " proto " + p.protocol();
        };
    }

    private static List<String> policies(Flow f) {
        List<PolicyCause> causes = f.deniedBy().isEmpty() ? f.allowedBy() : f.deniedBy();
        return causes.isEmpty() ? null : causes.stream().map(PolicyCause::toString).toList();
    }

    private static String action(Verdict v) {
        return switch (v) {
            case DROPPED -> "deny";
            case AUDIT -> "audit";
            case REDIRECTED -> "redirect";
            default -> "allow";
        };
    }

    private static String point(int p) {
        return p >= 0 && p < POINTS.length ? POINTS[p] : "point-" + p;
    }

    private static String state(Flow f) {
        int r = f.traceReason().getNumber();
        return r >= 1 && r <= STATES.length ? STATES[r - 1] : "unknown";
    }

    private static String dropText(int code) {
        DropReason r = DropReason.of(code);
        return r == null ? "Unknown reason " + code : r.text();
    }

    private static String time(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L))
                .toString();
    }
}
