// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import com.google.protobuf.BoolValue;
import com.google.protobuf.FieldMask;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.FieldMaskUtil;
import dev.porin.api.Version;
import dev.porin.datapath.events.Packet;
import dev.porin.hubble.flow.CiliumEventType;
import dev.porin.hubble.flow.DropReason;
import dev.porin.hubble.flow.Emitter;
import dev.porin.hubble.flow.Endpoint;
import dev.porin.hubble.flow.Ethernet;
import dev.porin.hubble.flow.FlowType;
import dev.porin.hubble.flow.ICMPv4;
import dev.porin.hubble.flow.IP;
import dev.porin.hubble.flow.IPVersion;
import dev.porin.hubble.flow.Layer4;
import dev.porin.hubble.flow.LostEvent;
import dev.porin.hubble.flow.NetworkInterface;
import dev.porin.hubble.flow.Policy;
import dev.porin.hubble.flow.SCTP;
import dev.porin.hubble.flow.TCP;
import dev.porin.hubble.flow.TCPFlags;
import dev.porin.hubble.flow.TrafficDirection;
import dev.porin.hubble.flow.UDP;
import dev.porin.hubble.observer.GetFlowsRequest;
import dev.porin.hubble.observer.GetFlowsResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Flows in Hubble's protobuf form ({@code flow.Flow}), field for field as Hubble fills them. */
public final class FlowProtos {

    private static final Emitter EMITTER = Emitter.newBuilder().setName("Porin").setVersion(Version.current()).build();

    /** TCP flag bits in the order Hubble names them: SYN, ACK, RST, FIN, PSH, URG, ECE, CWR. */
    private static final int[] FLAG_ORDER = {Packet.TCP_SYN, Packet.TCP_ACK, Packet.TCP_RST, Packet.TCP_FIN,
            Packet.TCP_PSH, Packet.TCP_URG, Packet.TCP_ECE, Packet.TCP_CWR};
    private static final String[] FLAG_NAMES = {"SYN", "ACK", "RST", "FIN", "PSH", "URG", "ECE", "CWR"};

    /** ICMPv4 type names as Hubble prints them (gopacket's), and the code names of the types that have them. */
    private static final Map<Integer, String> ICMP_TYPES = Map.ofEntries(Map.entry(0, "EchoReply"),
            Map.entry(3, "DestinationUnreachable"), Map.entry(4, "SourceQuench"), Map.entry(5, "Redirect"),
            Map.entry(8, "EchoRequest"), Map.entry(9, "RouterAdvertisement"), Map.entry(10, "RouterSolicitation"),
            Map.entry(11, "TimeExceeded"), Map.entry(12, "ParameterProblem"), Map.entry(13, "TimestampRequest"),
            Map.entry(14, "TimestampReply"), Map.entry(15, "InfoRequest"), Map.entry(16, "InfoReply"),
            Map.entry(17, "AddressMaskRequest"), Map.entry(18, "AddressMaskReply"));
    private static final Map<Integer, List<String>> ICMP_CODES = Map.of(
            3, List.of("Net", "Host", "Protocol", "Port", "FragmentationNeeded", "SourceRoutingFailed", "NetUnknown",
                    "HostUnknown", "SourceIsolated", "NetAdminProhibited", "HostAdminProhibited", "NetTOS", "HostTOS",
                    "CommAdminProhibited", "HostPrecedence", "PrecedenceCutoff"),
            5, List.of("Net", "Host", "TOS+Net", "TOS+Host"),
            11, List.of("TTLExceeded", "FragmentReassemblyTimeExceeded"),
            12, List.of("PointerIndicatesError", "MissingOption", "BadLength"));

    private FlowProtos() {
    }

    public static GetFlowsResponse response(FlowEvent event, NodeInfo node) {
        return response(event, node, FieldMask.getDefaultInstance());
    }

    /** A response; a non-empty {@code mask} (GetFlowsRequest's field_mask) keeps only those flow fields. */
    public static GetFlowsResponse response(FlowEvent event, NodeInfo node, FieldMask mask) {
        GetFlowsResponse.Builder b = GetFlowsResponse.newBuilder().setNodeName(node.name()).setTime(timestamp(event.time()));
        return switch (event) {
            case Flow f -> b.setFlow(masked(flow(f, node), mask)).build();
            case LostEvents l -> b.setLostEvents(lost(l)).build();
        };
    }

    private static dev.porin.hubble.flow.Flow masked(dev.porin.hubble.flow.Flow flow, FieldMask mask) {
        if (mask.getPathsCount() == 0) {
            return flow;
        }
        var out = dev.porin.hubble.flow.Flow.newBuilder();
        FieldMaskUtil.merge(mask, flow, out);
        return out.build();
    }

    /** The field mask of a request (or of its experimental part), checked against flow.Flow. */
    public static FieldMask mask(GetFlowsRequest request) {
        FieldMask mask = request.hasFieldMask() ? request.getFieldMask()
                : request.getExperimental().getFieldMask();
        if (mask.getPathsCount() > 0 && !FieldMaskUtil.isValid(dev.porin.hubble.flow.Flow.class, mask)) {
            throw new IllegalArgumentException("field_mask: " + mask.getPathsList() + " names fields flow.Flow does not have");
        }
        return mask;
    }

    public static LostEvent lost(LostEvents l) {
        return LostEvent.newBuilder().setSource(l.source()).setNumEventsLost(l.count()).build();
    }

    public static dev.porin.hubble.flow.Flow flow(Flow f, NodeInfo node) {
        Packet p = f.packet();
        var b = dev.porin.hubble.flow.Flow.newBuilder()
                .setTime(timestamp(f.time()))
                .setVerdict(f.verdict())
                .setType(FlowType.L3_L4)
                .setNodeName(node.name())
                .setEventType(CiliumEventType.newBuilder().setType(f.eventType()).setSubType(f.eventSubType()))
                .setSource(endpoint(f.source(), node))
                .setDestination(endpoint(f.destination(), node))
                .setTrafficDirection(f.direction())
                .setTraceObservationPoint(f.point())
                .setTraceReason(f.traceReason())
                .setPolicyMatchType(f.matchType())
                .setEmitter(EMITTER)
                .setSummary(summary(p));
        if (f.dropReason() != 0) {
            DropReason reason = DropReason.forNumber(f.dropReason());
            b.setDropReason(f.dropReason()).setDropReasonDesc(reason == null ? DropReason.DROP_REASON_UNKNOWN : reason);
        }
        if (f.reply() != null) {
            b.setIsReply(BoolValue.of(f.reply())).setReply(f.reply());
        }
        if (f.ifindex() != 0) {
            b.setInterface(NetworkInterface.newBuilder().setIndex(f.ifindex()));
        }
        if (p.etherType() != 0) {
            b.setEthernet(Ethernet.newBuilder().setSource(Packet.mac(p.srcMac())).setDestination(Packet.mac(p.dstMac())));
        }
        if (p.isIpv4()) {
            b.setIP(IP.newBuilder().setSource(Packet.ipv4(p.srcIp())).setDestination(Packet.ipv4(p.dstIp()))
                    .setIpVersion(IPVersion.IPv4));
            Layer4 l4 = l4(p);
            if (l4 != null) {
                b.setL4(l4);
            }
        }
        boolean ingress = f.direction() == TrafficDirection.INGRESS;
        for (PolicyCause c : f.allowedBy()) {
            Policy policy = policy(c, f.policyRevision());
            if (ingress) {
                b.addIngressAllowedBy(policy);
            } else {
                b.addEgressAllowedBy(policy);
            }
        }
        for (PolicyCause c : f.deniedBy()) {
            Policy policy = policy(c, f.policyRevision());
            if (ingress) {
                b.addIngressDeniedBy(policy);
            } else {
                b.addEgressDeniedBy(policy);
            }
        }
        return b.build();
    }

    static Endpoint endpoint(FlowEndpoint ep, NodeInfo node) {
        Endpoint.Builder b = Endpoint.newBuilder().setID(ep.id()).setIdentity(ep.identity())
                .addAllLabels(ep.labelStrings());
        if (ep.isPod()) {
            b.setNamespace(ep.namespace()).setPodName(ep.podName()).setClusterName(node.cluster());
        }
        return b.build();
    }

    /**
     * A policy as Hubble names it, with the labels Cilium derives for it, and which of its rules decided
     * ({@code porin:rule=...}, or {@code porin:rule=default-deny} when it only made the endpoint
     * default-deny).
     */
    static Policy policy(PolicyCause c, long revision) {
        var o = c.origin();
        List<String> labels = new ArrayList<>();
        labels.add("k8s:io.cilium.k8s.policy.derived-from=" + o.kind().kind());
        labels.add("k8s:io.cilium.k8s.policy.name=" + o.name());
        if (o.namespace() != null) {
            labels.add("k8s:io.cilium.k8s.policy.namespace=" + o.namespace());
        }
        labels.add("porin:rule=" + (c.isDefaultDeny() ? "default-deny" : c.rule()));
        return Policy.newBuilder().setName(o.name()).setNamespace(o.namespace() == null ? "" : o.namespace())
                .setKind(o.kind().kind()).setRevision(revision).addAllLabels(labels).build();
    }

    private static Layer4 l4(Packet p) {
        return switch (p.protocol()) {
            case Packet.PROTO_TCP -> Layer4.newBuilder().setTCP(TCP.newBuilder().setSourcePort(p.srcPort())
                    .setDestinationPort(p.dstPort()).setFlags(tcpFlags(p.tcpFlags()))).build();
            case Packet.PROTO_UDP -> Layer4.newBuilder().setUDP(UDP.newBuilder().setSourcePort(p.srcPort())
                    .setDestinationPort(p.dstPort())).build();
            case Packet.PROTO_SCTP -> Layer4.newBuilder().setSCTP(SCTP.newBuilder().setSourcePort(p.srcPort())
                    .setDestinationPort(p.dstPort())).build();
            case Packet.PROTO_ICMP -> Layer4.newBuilder().setICMPv4(ICMPv4.newBuilder().setType(p.icmpType())
                    .setCode(p.icmpCode())).build();
            default -> null;
        };
    }

    private static TCPFlags tcpFlags(int f) {
        return TCPFlags.newBuilder().setFIN((f & Packet.TCP_FIN) != 0).setSYN((f & Packet.TCP_SYN) != 0)
                .setRST((f & Packet.TCP_RST) != 0).setPSH((f & Packet.TCP_PSH) != 0)
                .setACK((f & Packet.TCP_ACK) != 0).setURG((f & Packet.TCP_URG) != 0)
                .setECE((f & Packet.TCP_ECE) != 0).setCWR((f & Packet.TCP_CWR) != 0).build();
    }

    /** Hubble's one-line summary: {@code TCP Flags: SYN, ACK}, {@code ICMPv4 EchoRequest}, {@code UDP}. */
    public static String summary(Packet p) {
        if (!p.isIpv4()) {
            return p.ipVersion() == 6 ? "IPv6" : p.etherType() == Packet.ETH_ARP ? "ARP" : "Ethernet";
        }
        return switch (p.protocol()) {
            case Packet.PROTO_TCP -> "TCP Flags: " + tcpFlagNames(p.tcpFlags());
            case Packet.PROTO_UDP -> "UDP";
            case Packet.PROTO_SCTP -> "SCTP";
            case Packet.PROTO_ICMP -> "ICMPv4 " + icmpName(p.icmpType(), p.icmpCode());
            default -> "IPv4";
        };
    }

    /** Set TCP flags in Hubble's order, comma separated: {@code SYN, ACK}, {@code ACK, FIN}. */
    public static String tcpFlagNames(int f) {
        List<String> names = new ArrayList<>(4);
        for (int i = 0; i < FLAG_ORDER.length; i++) {
            if ((f & FLAG_ORDER[i]) != 0) {
                names.add(FLAG_NAMES[i]);
            }
        }
        return String.join(", ", names);
    }

    /**
     * An ICMPv4 type and code as Hubble names them: {@code EchoRequest}, {@code DestinationUnreachable(Port)},
     * {@code EchoRequest(Code: 1)} for a code the type does not use, {@code 42(3)} for an unknown type.
     */
    public static String icmpName(int type, int code) {
        String name = ICMP_TYPES.get(type);
        if (name == null) {
            return type + "(" + code + ")";
        }
        List<String> codes = ICMP_CODES.getOrDefault(type, List.of());
        if (code < codes.size()) {
            return name + "(" + codes.get(code) + ")";
        }
        return codes.isEmpty() && code == 0 ? name : name + "(Code: " + code + ")";
    }

    public static Timestamp timestamp(long epochNanos) {
        return Timestamp.newBuilder().setSeconds(Math.floorDiv(epochNanos, 1_000_000_000L))
                .setNanos((int) Math.floorMod(epochNanos, 1_000_000_000L)).build();
    }

    public static long nanos(Timestamp t) {
        return t.getSeconds() * 1_000_000_000L + t.getNanos();
    }
}
