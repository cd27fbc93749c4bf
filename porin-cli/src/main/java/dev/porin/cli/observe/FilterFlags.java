// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.observe;

import dev.porin.hubble.flow.DropReason;
import dev.porin.hubble.flow.EventTypeFilter;
import dev.porin.hubble.flow.FlowFilter;
import dev.porin.hubble.flow.TCPFlags;
import dev.porin.hubble.flow.TrafficDirection;
import dev.porin.hubble.flow.Verdict;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The filter flags of {@code hubble observe}, turned into Hubble {@code FlowFilter}s as hubble does. A
 * {@code --from-*} or {@code --to-*} flag sets a source or destination field; an un-prefixed one ({@code --pod},
 * {@code --ip}, {@code --label}, {@code --identity}, {@code --port}, {@code --namespace}) sets the source field
 * of one filter and the destination field of a second, so that a flow matches if either of its sides does.
 * Different flags must all match, repeated values of one flag are alternatives. A bad value is an
 * {@link IllegalArgumentException} naming the flag.
 */
public final class FilterFlags {

    private static final List<String> PROTOCOLS = List.of("tcp", "udp", "sctp", "icmp", "icmpv4", "icmpv6", "http",
            "dns", "kafka", "vrrp", "igmp");

    @Option(names = "--from-pod", paramLabel = "[NS/]POD", description = "Flows from pods whose name starts with POD.")
    List<String> fromPod = new ArrayList<>();

    @Option(names = "--to-pod", paramLabel = "[NS/]POD", description = "Flows to pods whose name starts with POD.")
    List<String> toPod = new ArrayList<>();

    @Option(names = "--pod", paramLabel = "[NS/]POD",
            description = "Flows from or to pods whose name starts with POD; without NS, the one of --namespace, else default.")
    List<String> pod = new ArrayList<>();

    @Option(names = "--from-namespace", paramLabel = "NS", description = "Flows from pods in NS.")
    List<String> fromNamespace = new ArrayList<>();

    @Option(names = "--to-namespace", paramLabel = "NS", description = "Flows to pods in NS.")
    List<String> toNamespace = new ArrayList<>();

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Flows from or to pods in NS.")
    List<String> namespace = new ArrayList<>();

    @Option(names = {"-A", "--all-namespaces"}, description = "Pod names match in every namespace.")
    boolean allNamespaces;

    @Option(names = "--from-label", paramLabel = "SELECTOR", description = "Flows from endpoints with these labels (app=web,tier in (a,b)).")
    List<String> fromLabel = new ArrayList<>();

    @Option(names = "--to-label", paramLabel = "SELECTOR", description = "Flows to endpoints with these labels.")
    List<String> toLabel = new ArrayList<>();

    @Option(names = {"-l", "--label"}, paramLabel = "SELECTOR", description = "Flows from or to endpoints with these labels.")
    List<String> label = new ArrayList<>();

    @Option(names = "--from-identity", paramLabel = "ID", description = "Flows from this security identity (number or reserved name).")
    List<String> fromIdentity = new ArrayList<>();

    @Option(names = "--to-identity", paramLabel = "ID", description = "Flows to this security identity.")
    List<String> toIdentity = new ArrayList<>();

    @Option(names = "--identity", paramLabel = "ID", description = "Flows from or to this security identity.")
    List<String> identity = new ArrayList<>();

    @Option(names = "--from-ip", paramLabel = "IP[/LEN]", description = "Flows from this address or CIDR.")
    List<String> fromIp = new ArrayList<>();

    @Option(names = "--to-ip", paramLabel = "IP[/LEN]", description = "Flows to this address or CIDR.")
    List<String> toIp = new ArrayList<>();

    @Option(names = "--ip", paramLabel = "IP[/LEN]", description = "Flows from or to this address or CIDR.")
    List<String> ip = new ArrayList<>();

    @Option(names = "--from-port", paramLabel = "PORT", description = "Flows from this L4 port.")
    List<String> fromPort = new ArrayList<>();

    @Option(names = "--to-port", paramLabel = "PORT", description = "Flows to this L4 port.")
    List<String> toPort = new ArrayList<>();

    @Option(names = "--port", paramLabel = "PORT", description = "Flows from or to this L4 port.")
    List<String> port = new ArrayList<>();

    @Option(names = "--protocol", paramLabel = "PROTO", description = "tcp, udp, sctp, icmp, icmpv4, icmpv6, ...")
    List<String> protocol = new ArrayList<>();

    @Option(names = "--verdict", paramLabel = "VERDICT", description = "FORWARDED, DROPPED, AUDIT, REDIRECTED, ERROR, TRACED, TRANSLATED.")
    List<String> verdict = new ArrayList<>();

    @Option(names = "--drop-reason-desc", paramLabel = "REASON", description = "Hubble drop reason name, e.g. POLICY_DENIED.")
    List<String> dropReason = new ArrayList<>();

    @Option(names = "--traffic-direction", paramLabel = "DIR", description = "ingress or egress.")
    List<String> trafficDirection = new ArrayList<>();

    @Option(names = {"-t", "--type"}, paramLabel = "TYPE[:SUBTYPE]",
            description = "Event type: drop, trace, policy-verdict, ... or a number; trace:to-endpoint, trace:to-stack, ...")
    List<String> type = new ArrayList<>();

    @Option(names = "--tcp-flags", paramLabel = "FLAGS", description = "Flows with all these TCP flags set, e.g. SYN,ACK.")
    List<String> tcpFlags = new ArrayList<>();

    @Option(names = "--not", description = "Show the flows that match none of the filter flags (unlike hubble, where "
            + "--not negates only the filter flag after it, it negates them all).")
    boolean not;

    /** Whether the filters are a blacklist ({@code --not}) rather than a whitelist. */
    public boolean negated() {
        return not;
    }

    /** One filter, or two when an un-prefixed flag asked for either side; none without filter flags. */
    public List<FlowFilter> filters() {
        FlowFilter.Builder left = FlowFilter.newBuilder();
        FlowFilter.Builder right = FlowFilter.newBuilder();
        Consumer<Consumer<FlowFilter.Builder>> both = update -> {
            update.accept(left);
            update.accept(right);
        };

        both.accept(f -> f.addAllSourcePod(pods("--from-pod", fromPod)).addAllDestinationPod(pods("--to-pod", toPod)));
        left.addAllSourcePod(pods("--pod", pod));
        right.addAllDestinationPod(pods("--pod", pod));

        both.accept(f -> f.addAllSourceLabel(fromLabel).addAllDestinationLabel(toLabel));
        left.addAllSourceLabel(label);
        right.addAllDestinationLabel(label);

        both.accept(f -> f.addAllSourceIdentity(identities("--from-identity", fromIdentity))
                .addAllDestinationIdentity(identities("--to-identity", toIdentity)));
        left.addAllSourceIdentity(identities("--identity", identity));
        right.addAllDestinationIdentity(identities("--identity", identity));

        both.accept(f -> f.addAllSourceIp(ips("--from-ip", fromIp)).addAllDestinationIp(ips("--to-ip", toIp)));
        left.addAllSourceIp(ips("--ip", ip));
        right.addAllDestinationIp(ips("--ip", ip));

        both.accept(f -> f.addAllSourcePort(ports("--from-port", fromPort)).addAllDestinationPort(ports("--to-port", toPort)));
        left.addAllSourcePort(ports("--port", port));
        right.addAllDestinationPort(ports("--port", port));

        List<String> protocols = protocols();
        List<Verdict> verdicts = verdicts();
        List<DropReason> reasons = dropReasons();
        List<TrafficDirection> directions = directions();
        List<EventTypeFilter> types = types();
        List<TCPFlags> flags = tcpFlags();
        both.accept(f -> f.addAllProtocol(protocols).addAllVerdict(verdicts).addAllDropReasonDesc(reasons)
                .addAllTrafficDirection(directions).addAllEventType(types).addAllTcpFlags(flags));

        applyNamespaces(left, right);
        FlowFilter l = left.build();
        FlowFilter r = right.build();
        if (l.equals(FlowFilter.getDefaultInstance()) && r.equals(FlowFilter.getDefaultInstance())) {
            return List.of();
        }
        return l.equals(r) ? List.of(l) : List.of(l, r);
    }

    /**
     * Pod names without a namespace get the one of their side's namespace flag, else {@code --namespace}, else
     * {@code default}. A namespace flag with no pod name on its side filters on the namespace alone; {@code
     * --namespace} does so only when no {@code --from-pod}/{@code --to-pod} is given, else it just names their
     * namespace (hubble refuses that combination).
     */
    private void applyNamespaces(FlowFilter.Builder left, FlowFilter.Builder right) {
        List<String> any = new ArrayList<>(namespace);
        if (allNamespaces) {
            any.add("");
        }
        List<String> from = fromNamespace.isEmpty() ? any : fromNamespace;
        List<String> to = toNamespace.isEmpty() ? any : toNamespace;
        for (FlowFilter.Builder f : List.of(left, right)) {
            List<String> src = qualify(f.getSourcePodList(), from);
            List<String> dst = qualify(f.getDestinationPodList(), to);
            f.clearSourcePod().addAllSourcePod(src).clearDestinationPod().addAllDestinationPod(dst);
            if (!fromNamespace.isEmpty() && src.isEmpty()) {
                f.addAllSourcePod(namespacesOnly(fromNamespace));
            }
            if (!toNamespace.isEmpty() && dst.isEmpty()) {
                f.addAllDestinationPod(namespacesOnly(toNamespace));
            }
        }
        if (!any.isEmpty() && fromPod.isEmpty() && toPod.isEmpty()) {
            if (left.getSourcePodCount() == 0) {
                left.addAllSourcePod(namespacesOnly(any));
            }
            if (right.getDestinationPodCount() == 0) {
                right.addAllDestinationPod(namespacesOnly(any));
            }
        }
    }

    private static List<String> qualify(List<String> pods, List<String> namespaces) {
        List<String> out = new ArrayList<>();
        for (String p : pods) {
            if (p.contains("/")) {
                out.add(p);
            } else if (namespaces.isEmpty()) {
                out.add("default/" + p);
            } else {
                namespaces.forEach(ns -> out.add(ns + "/" + p));
            }
        }
        return out;
    }

    private static List<String> namespacesOnly(List<String> namespaces) {
        return namespaces.stream().map(ns -> ns + "/").toList();
    }

    private static List<String> pods(String flag, List<String> values) {
        for (String v : values) {
            if (v.isBlank() || v.indexOf('/') != v.lastIndexOf('/')) {
                throw new IllegalArgumentException(flag + ": '" + v + "' is not [namespace/]pod-name-prefix");
            }
        }
        return values;
    }

    private static List<Integer> identities(String flag, List<String> values) {
        List<Integer> out = new ArrayList<>();
        for (String v : values) {
            int reserved = ReservedIdentities.of(v.strip());
            if (reserved > 0) {
                out.add(reserved);
                continue;
            }
            try {
                out.add(Integer.parseUnsignedInt(v.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + ": '" + v + "' is not a numeric identity nor one of "
                        + ReservedIdentities.names());
            }
        }
        return out;
    }

    private static List<String> ips(String flag, List<String> values) {
        for (String v : values) {
            String[] parts = v.strip().split("/", -1);
            try {
                InetAddress address = InetAddress.ofLiteral(parts[0]);
                if (parts.length > 2 || parts.length == 2
                        && !inRange(parts[1], 0, address.getAddress().length * 8)) {
                    throw new IllegalArgumentException();
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(flag + ": '" + v + "' is not an IP address or CIDR");
            }
        }
        return values.stream().map(String::strip).toList();
    }

    private static List<String> ports(String flag, List<String> values) {
        for (String v : values) {
            if (!inRange(v.strip(), 0, 65535)) {
                throw new IllegalArgumentException(flag + ": '" + v + "' is not a port number");
            }
        }
        return values.stream().map(String::strip).toList();
    }

    private static boolean inRange(String number, int min, int max) {
        try {
            int n = Integer.parseInt(number);
            return n >= min && n <= max;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private List<String> protocols() {
        List<String> out = new ArrayList<>();
        for (String p : protocol) {
            String name = p.strip().toLowerCase(Locale.ROOT);
            if (!PROTOCOLS.contains(name)) {
                throw new IllegalArgumentException("--protocol: unknown protocol '" + p + "' (expected one of "
                        + String.join(", ", PROTOCOLS) + ")");
            }
            out.add(name);
        }
        return out;
    }

    private List<Verdict> verdicts() {
        return verdict.stream().map(v -> enumValue("--verdict", "verdict", v, Verdict.class, Verdict.VERDICT_UNKNOWN))
                .toList();
    }

    private List<DropReason> dropReasons() {
        return dropReason.stream()
                .map(v -> enumValue("--drop-reason-desc", "drop reason", v, DropReason.class, DropReason.DROP_REASON_UNKNOWN))
                .toList();
    }

    /** A Hubble enum value by name, any case; the error lists the names. */
    private static <E extends Enum<E>> E enumValue(String flag, String what, String value, Class<E> type, E unknown) {
        for (E e : type.getEnumConstants()) {
            if (e != unknown && !e.name().equals("UNRECOGNIZED") && e.name().equalsIgnoreCase(value.strip())) {
                return e;
            }
        }
        String names = Arrays.stream(type.getEnumConstants())
                .filter(e -> e != unknown && !e.name().equals("UNRECOGNIZED")).map(Enum::name)
                .collect(Collectors.joining(", "));
        throw new IllegalArgumentException(flag + ": unknown " + what + " '" + value + "' (expected one of " + names + ")");
    }

    private List<TrafficDirection> directions() {
        return trafficDirection.stream().map(d -> switch (d.strip().toLowerCase(Locale.ROOT)) {
            case "ingress" -> TrafficDirection.INGRESS;
            case "egress" -> TrafficDirection.EGRESS;
            default -> throw new IllegalArgumentException("--traffic-direction: '" + d + "' is not ingress or egress");
        }).toList();
    }

    /** {@code drop}, {@code trace:to-endpoint}, {@code 4:3}: a type, and optionally a sub-type that must match too. */
    private List<EventTypeFilter> types() {
        List<EventTypeFilter> out = new ArrayList<>();
        for (String t : type) {
            String[] parts = t.strip().split(":", 2);
            Integer number = DatapathNames.EVENT_TYPES.get(parts[0]);
            if (number == null && !inRange(parts[0], 0, 255)) {
                throw new IllegalArgumentException("--type: unknown event type '" + parts[0] + "' (expected one of "
                        + String.join(", ", DatapathNames.EVENT_TYPES.keySet().stream().sorted().toList()) + " or a number)");
            }
            EventTypeFilter.Builder f = EventTypeFilter.newBuilder()
                    .setType(number != null ? number : Integer.parseInt(parts[0]));
            if (parts.length == 2) {
                int point = f.getType() == 4 ? DatapathNames.pointOf(parts[1]) : -1;
                if (point < 0 && !inRange(parts[1], 0, 255)) {
                    throw new IllegalArgumentException("--type: unknown sub-type '" + parts[1] + "' of " + parts[0]
                            + (f.getType() == 4 ? " (expected an observation point like to-endpoint, or a number)" : ""));
                }
                f.setMatchSubType(true).setSubType(point >= 0 ? point : Integer.parseInt(parts[1]));
            }
            out.add(f.build());
        }
        return out;
    }

    private List<TCPFlags> tcpFlags() {
        List<TCPFlags> out = new ArrayList<>();
        for (String value : tcpFlags) {
            TCPFlags.Builder f = TCPFlags.newBuilder();
            for (String name : value.split(",")) {
                switch (name.strip().toUpperCase(Locale.ROOT)) {
                    case "SYN" -> f.setSYN(true);
                    case "FIN" -> f.setFIN(true);
                    case "RST" -> f.setRST(true);
                    case "PSH" -> f.setPSH(true);
                    case "ACK" -> f.setACK(true);
                    case "URG" -> f.setURG(true);
                    case "ECE" -> f.setECE(true);
                    case "CWR" -> f.setCWR(true);
                    case "NS" -> f.setNS(true);
                    default -> throw new IllegalArgumentException("--tcp-flags: unknown TCP flag '" + name.strip()
                            + "' (expected SYN, FIN, RST, PSH, ACK, URG, ECE, CWR or NS)");
                }
            }
            out.add(f.build());
        }
        return out;
    }
}
