// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import dev.porin.datapath.events.Packet;
import dev.porin.hubble.flow.EventTypeFilter;
import dev.porin.hubble.flow.FlowFilter;
import dev.porin.hubble.flow.IPVersion;
import dev.porin.hubble.flow.NetworkInterface;
import dev.porin.hubble.flow.TCPFlags;
import dev.porin.hubble.flow.Verdict;
import dev.porin.labels.LabelSelector;
import dev.porin.net.Ipv4Prefix;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Hubble's flow filters, evaluated on {@link Flow}s: within one filter every field that is set must match
 * (and a list field matches if any of its values does); a flow passes a request if it matches any
 * whitelist filter (or there are none) and no blacklist filter. Lost-event markers always pass.
 *
 * <p>Fields about things these flows never carry (L7, services, FQDNs, workloads, trace IDs) match no flow.
 * A value that cannot be parsed is an {@link IllegalArgumentException} naming the field.
 */
public final class FlowFilters {

    private FlowFilters() {
    }

    public static Predicate<FlowEvent> of(List<FlowFilter> whitelist, List<FlowFilter> blacklist, NodeInfo node) {
        List<Predicate<Flow>> allow = whitelist.stream().map(f -> compile(f, node)).toList();
        List<Predicate<Flow>> deny = blacklist.stream().map(f -> compile(f, node)).toList();
        return event -> {
            if (!(event instanceof Flow flow)) {
                return true;
            }
            if (!allow.isEmpty() && allow.stream().noneMatch(p -> p.test(flow))) {
                return false;
            }
            return deny.stream().noneMatch(p -> p.test(flow));
        };
    }

    /** One filter as a predicate: every set field must match. */
    public static Predicate<Flow> compile(FlowFilter f, NodeInfo node) {
        List<Predicate<Flow>> all = new ArrayList<>();
        if (f.getSourceIpCount() > 0) {
            all.add(ips("source_ip", f.getSourceIpList(), true));
        }
        if (f.getDestinationIpCount() > 0) {
            all.add(ips("destination_ip", f.getDestinationIpList(), false));
        }
        if (f.getSourcePodCount() > 0) {
            all.add(pods("source_pod", f.getSourcePodList(), true));
        }
        if (f.getDestinationPodCount() > 0) {
            all.add(pods("destination_pod", f.getDestinationPodList(), false));
        }
        if (f.getSourceLabelCount() > 0) {
            all.add(labels("source_label", f.getSourceLabelList(), true));
        }
        if (f.getDestinationLabelCount() > 0) {
            all.add(labels("destination_label", f.getDestinationLabelList(), false));
        }
        if (f.getSourceIdentityCount() > 0) {
            List<Integer> ids = f.getSourceIdentityList();
            all.add(flow -> ids.contains(flow.source().identity()));
        }
        if (f.getDestinationIdentityCount() > 0) {
            List<Integer> ids = f.getDestinationIdentityList();
            all.add(flow -> ids.contains(flow.destination().identity()));
        }
        if (f.getSourceClusterNameCount() > 0) {
            boolean ours = f.getSourceClusterNameList().contains(node.cluster());
            all.add(flow -> ours && flow.source().isPod());
        }
        if (f.getDestinationClusterNameCount() > 0) {
            boolean ours = f.getDestinationClusterNameList().contains(node.cluster());
            all.add(flow -> ours && flow.destination().isPod());
        }
        if (f.getVerdictCount() > 0) {
            var verdicts = f.getVerdictList();
            all.add(flow -> verdicts.contains(flow.verdict()));
        }
        if (f.getDropReasonDescCount() > 0) {
            List<Integer> codes = f.getDropReasonDescValueList();
            all.add(flow -> flow.dropReason() != 0 && codes.contains(flow.dropReason()));
        }
        if (f.getTrafficDirectionCount() > 0) {
            var dirs = f.getTrafficDirectionList();
            all.add(flow -> dirs.contains(flow.direction()));
        }
        if (f.getEventTypeCount() > 0) {
            List<EventTypeFilter> types = f.getEventTypeList();
            // Hubble: type 0 stands for any type.
            all.add(flow -> types.stream().anyMatch(t -> (t.getType() == 0 || t.getType() == flow.eventType())
                    && (!t.getMatchSubType() || t.getSubType() == flow.eventSubType())));
        }
        if (f.getProtocolCount() > 0) {
            all.add(protocols(f.getProtocolList()));
        }
        if (f.getSourcePortCount() > 0) {
            List<Integer> ports = ports("source_port", f.getSourcePortList());
            all.add(flow -> hasPorts(flow) && ports.contains(flow.packet().srcPort()));
        }
        if (f.getDestinationPortCount() > 0) {
            List<Integer> ports = ports("destination_port", f.getDestinationPortList());
            all.add(flow -> hasPorts(flow) && ports.contains(flow.packet().dstPort()));
        }
        if (f.getReplyCount() > 0) {
            List<Boolean> replies = f.getReplyList();
            // Hubble: a drop cannot tell, but counts as no reply, as it did when filters matched the deprecated
            // reply field (which clients such as Hubble UI still assume).
            all.add(flow -> flow.reply() != null ? replies.contains(flow.reply())
                    : flow.verdict() == Verdict.DROPPED && replies.contains(false));
        }
        if (f.getTcpFlagsCount() > 0) {
            List<Integer> masks = f.getTcpFlagsList().stream().map(FlowFilters::tcpMask).toList();
            all.add(flow -> flow.packet().protocol() == Packet.PROTO_TCP
                    && masks.stream().anyMatch(m -> (flow.packet().tcpFlags() & m) == m));
        }
        if (f.getIpVersionCount() > 0) {
            boolean v4 = f.getIpVersionList().contains(IPVersion.IPv4);
            boolean v6 = f.getIpVersionList().contains(IPVersion.IPv6);
            all.add(flow -> (v4 && flow.packet().ipVersion() == 4) || (v6 && flow.packet().ipVersion() == 6));
        }
        if (f.getNodeNameCount() > 0) {
            boolean ours = f.getNodeNameList().stream().anyMatch(g -> nodeNameMatches(g, node));
            all.add(flow -> ours);
        }
        if (f.getNodeLabelsCount() > 0) {
            boolean ours = f.getNodeLabelsList().stream()
                    .anyMatch(s -> selector("node_labels", s).matches(node.labels()));
            all.add(flow -> ours);
        }
        if (f.getInterfaceCount() > 0) {
            List<NetworkInterface> ifs = f.getInterfaceList();
            all.add(flow -> ifs.stream().anyMatch(i -> i.getName().isEmpty() && i.getIndex() != 0
                    && i.getIndex() == flow.ifindex()));
        }
        if (f.getEncryptedCount() > 0) {
            boolean plain = f.getEncryptedList().contains(false);
            all.add(flow -> plain);
        }
        if (f.hasExperimental() && f.getExperimental().getCelExpressionCount() > 0) {
            throw new IllegalArgumentException("experimental.cel_expression: CEL expressions are not supported");
        }
        if (neverMatches(f)) {
            all.add(flow -> false);
        }
        return flow -> {
            for (Predicate<Flow> p : all) {
                if (!p.test(flow)) {
                    return false;
                }
            }
            return true;
        };
    }

    /** Fields about L7, services, names, workloads and traces: no flow here has them. */
    private static boolean neverMatches(FlowFilter f) {
        return f.getSourceFqdnCount() > 0 || f.getDestinationFqdnCount() > 0 || f.getSourceServiceCount() > 0
                || f.getDestinationServiceCount() > 0 || f.getSourceWorkloadCount() > 0
                || f.getDestinationWorkloadCount() > 0 || f.getHttpStatusCodeCount() > 0
                || f.getHttpMethodCount() > 0 || f.getHttpPathCount() > 0 || f.getHttpUrlCount() > 0
                || f.getHttpHeaderCount() > 0 || f.getDnsQueryCount() > 0 || f.getTraceIdCount() > 0
                || f.getIpTraceIdCount() > 0 || f.getSourceIpXlatedCount() > 0 || !f.getUuid().isEmpty();
    }

    private static Predicate<Flow> ips(String field, List<String> values, boolean source) {
        List<Ipv4Prefix> prefixes = new ArrayList<>();
        for (String v : values) {
            if (v.contains(":")) {
                continue; // IPv6: no flow here has one
            }
            try {
                prefixes.add(Ipv4Prefix.parse(v.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(field + ": '" + v + "' is not an IP address or CIDR");
            }
        }
        return flow -> {
            if (!flow.packet().isIpv4()) {
                return false;
            }
            int ip = source ? flow.packet().srcIp() : flow.packet().dstIp();
            for (Ipv4Prefix p : prefixes) {
                if ((ip & Ipv4Prefix.mask(p.length())) == p.network()) {
                    return true;
                }
            }
            return false;
        };
    }

    /** {@code namespace/pod-prefix}; {@code namespace/} matches every pod in it; no slash, any namespace. */
    private static Predicate<Flow> pods(String field, List<String> values, boolean source) {
        List<String[]> specs = new ArrayList<>();
        for (String v : values) {
            int slash = v.indexOf('/');
            if (v.isBlank() || v.indexOf('/', slash + 1) >= 0) {
                throw new IllegalArgumentException(field + ": '" + v + "' is not namespace/pod-name-prefix");
            }
            specs.add(slash < 0 ? new String[] {null, v} : new String[] {v.substring(0, slash), v.substring(slash + 1)});
        }
        return flow -> {
            FlowEndpoint ep = source ? flow.source() : flow.destination();
            if (!ep.isPod()) {
                return false;
            }
            for (String[] s : specs) {
                if ((s[0] == null || s[0].isEmpty() || s[0].equals(ep.namespace())) && ep.podName().startsWith(s[1])) {
                    return true;
                }
            }
            return false;
        };
    }

    private static Predicate<Flow> labels(String field, List<String> values, boolean source) {
        List<LabelSelector> selectors = values.stream().map(v -> selector(field, v)).toList();
        return flow -> {
            FlowEndpoint ep = source ? flow.source() : flow.destination();
            return selectors.stream().anyMatch(s -> s.matches(ep.labels()));
        };
    }

    private static LabelSelector selector(String field, String text) {
        try {
            return SelectorSyntax.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage());
        }
    }

    private static Predicate<Flow> protocols(List<String> values) {
        List<Integer> ip = new ArrayList<>();
        for (String v : values) {
            switch (v.toLowerCase(Locale.ROOT)) {
                case "tcp" -> ip.add(Packet.PROTO_TCP);
                case "udp" -> ip.add(Packet.PROTO_UDP);
                case "sctp" -> ip.add(Packet.PROTO_SCTP);
                case "icmp", "icmpv4" -> ip.add(Packet.PROTO_ICMP);
                case "icmpv6" -> ip.add(58);
                case "http", "dns", "kafka", "vrrp", "igmp" -> {
                    // No flow here is L7, VRRP or IGMP.
                }
                default -> throw new IllegalArgumentException("protocol: unknown protocol '" + v
                        + "' (expected tcp, udp, sctp, icmp, icmpv4, icmpv6, http, dns, kafka, vrrp or igmp)");
            }
        }
        return flow -> flow.packet().isIpv4() && ip.contains(flow.packet().protocol());
    }

    private static List<Integer> ports(String field, List<String> values) {
        List<Integer> out = new ArrayList<>();
        for (String v : values) {
            try {
                int p = Integer.parseInt(v.strip());
                if (p < 0 || p > 65535) {
                    throw new NumberFormatException();
                }
                out.add(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(field + ": '" + v + "' is not a port number");
            }
        }
        return out;
    }

    private static boolean hasPorts(Flow flow) {
        int proto = flow.packet().protocol();
        return proto == Packet.PROTO_TCP || proto == Packet.PROTO_UDP || proto == Packet.PROTO_SCTP;
    }

    private static int tcpMask(TCPFlags f) {
        return (f.getFIN() ? Packet.TCP_FIN : 0) | (f.getSYN() ? Packet.TCP_SYN : 0) | (f.getRST() ? Packet.TCP_RST : 0)
                | (f.getPSH() ? Packet.TCP_PSH : 0) | (f.getACK() ? Packet.TCP_ACK : 0)
                | (f.getURG() ? Packet.TCP_URG : 0) | (f.getECE() ? Packet.TCP_ECE : 0)
                | (f.getCWR() ? Packet.TCP_CWR : 0);
    }

    /** Globs over {@code node} or {@code cluster/node}. */
    private static boolean nodeNameMatches(String glob, NodeInfo node) {
        String name = glob.contains("/") ? node.cluster() + "/" + node.name() : node.name();
        StringBuilder re = new StringBuilder();
        for (char c : glob.toCharArray()) {
            re.append(c == '*' ? "[^/]*" : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.matches(re.toString(), name);
    }
}
