// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import dev.porin.labels.LabelSelector;
import dev.porin.labels.LabelSelector.Operator;
import dev.porin.labels.LabelSelector.Requirement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One element of a Cilium rule's {@code ingress}, {@code ingressDeny}, {@code egress} or {@code egressDeny}
 * list: its L3 peers, ports and ICMP types, validated as Cilium validates them (one kind of L3 peer per
 * element, no ICMP together with ports, no L7 or FQDNs in deny rules) and with Cilium's namespace scoping
 * applied to endpoint selectors.
 */
final class CiliumElementParser {

    static final String NAMESPACE_KEY = "io.kubernetes.pod.namespace";
    static final String NAMESPACE_LABELS_PREFIX = "io.cilium.k8s.namespace.labels.";

    private static final List<String> CIDR_RULE_FIELDS = List.of("cidr", "except", "cidrGroupRef", "cidrGroupSelector");
    private static final List<String> SERVICE_FIELDS = List.of("k8sService", "k8sServiceSelector");
    private static final List<String> SERVICE_NAME_FIELDS = List.of("serviceName", "namespace");
    private static final List<String> SERVICE_SELECTOR_FIELDS = List.of("selector", "namespace");
    private static final List<String> GROUP_FIELDS = List.of("aws");
    private static final List<String> AWS_FIELDS = List.of("labels", "securityGroupsIds", "securityGroupsNames",
            "region");
    private static final List<String> AUTHENTICATION_MODES = List.of("disabled", "required", "test-always-fail");

    /**
     * Where a rule lives: the policy's namespace (null for a clusterwide policy), whether its subject
     * selector is about {@code reserved:init}, and whether it is a host ({@code nodeSelector}) rule.
     */
    record Scope(String namespace, boolean subjectSelectsInit, boolean hostPolicy) {

        /**
         * Cilium's scoping of a peer endpoint selector: left alone if it names a {@code reserved:} label or
         * already constrains the pod's namespace; otherwise a namespaced policy pins it to its namespace
         * (unless it selects by namespace labels), and a clusterwide policy requires that a namespace exists,
         * i.e. that the peer is a pod (unless the subject is {@code reserved:init}).
         */
        LabelSelector scope(LabelSelector peer) {
            boolean reserved = peer.requirements().stream().anyMatch(r -> r.source().equals("reserved"));
            if (reserved || peer.requirements().stream().anyMatch(r -> k8sOrAny(r) && r.key().equals(NAMESPACE_KEY))) {
                return peer;
            }
            if (namespace == null) {
                return subjectSelectsInit ? peer : peer.and(Requirement.of("k8s:" + NAMESPACE_KEY, Operator.EXISTS,
                        List.of()));
            }
            if (peer.requirements().stream().anyMatch(r -> k8sOrAny(r) && r.key().startsWith(NAMESPACE_LABELS_PREFIX))) {
                return peer;
            }
            return peer.and(Requirement.of("k8s:" + NAMESPACE_KEY, Operator.IN, List.of(namespace)));
        }

        private static boolean k8sOrAny(Requirement r) {
            return r.source().equals("k8s") || r.source().equals("any");
        }
    }

    /**
     * A parsed element before {@code fromRequires}/{@code toRequires} are folded in: those constrain the
     * endpoint selectors of every element of the same list, so they are applied once the list is read.
     */
    record Element(boolean anyPeer, List<LabelSelector> endpoints, List<Peer> otherPeers,
                   List<LabelSelector> requires, List<PortRule> ports, List<IcmpField> icmps) {

        /** The element with {@code requirement} (null for none) AND-ed into each endpoint selector. */
        PeerRule toPeerRule(LabelSelector requirement) {
            List<Peer> peers = new ArrayList<>();
            for (LabelSelector s : endpoints) {
                peers.add(new Peer.Endpoints(requirement == null ? s : and(s, requirement)));
            }
            peers.addAll(otherPeers);
            return new PeerRule(anyPeer, peers, ports, icmps);
        }
    }

    private CiliumElementParser() {
    }

    /** Both selectors' requirements, each once. */
    static LabelSelector and(LabelSelector a, LabelSelector b) {
        LabelSelector out = a;
        for (Requirement r : b.requirements()) {
            if (!out.requirements().contains(r)) {
                out = out.and(r);
            }
        }
        return out;
    }

    static Element parse(Node node, Direction direction, boolean deny, Scope scope) {
        boolean ingress = direction == Direction.INGRESS;
        String p = ingress ? "from" : "to";
        List<String> l3 = new ArrayList<>(List.of(p + "Endpoints", p + "CIDR", p + "CIDRSet", p + "Entities"));
        if (!ingress) {
            l3.add("toServices");
        }
        l3.addAll(List.of(p + "Nodes", p + "Groups"));
        if (!ingress && !deny) {
            l3.add("toFQDNs");
        }
        List<String> fields = new ArrayList<>(l3);
        fields.addAll(List.of(p + "Requires", "toPorts", "icmps"));
        if (!deny) {
            fields.add("authentication");
        }
        node.object(fields, hints(ingress, deny));

        List<String> present = l3.stream().filter(f -> !node.get(f).list().isEmpty()).toList();
        if (present.size() > 1) {
            throw node.error("combining " + present.get(0) + " and " + present.get(1)
                    + " is not supported; write them as separate elements");
        }
        boolean l3Given = l3.stream().anyMatch(f -> node.get(f).isPresent()) || node.get(p + "Requires").isPresent();
        List<PortRule> ports = PortsParser.cilium(node.get("toPorts"), direction, deny, scope.hostPolicy());
        List<IcmpField> icmps = PortsParser.icmps(node.get("icmps"));
        if (!node.get("toPorts").list().isEmpty() && !node.get("icmps").list().isEmpty()) {
            throw node.error("icmps cannot be combined with toPorts in one element; write them as separate elements");
        }
        authentication(node.get("authentication"));

        List<LabelSelector> endpoints = node.get(p + "Endpoints").list().stream()
                .map(n -> scope.scope(SelectorParser.cilium(n))).toList();
        List<LabelSelector> requires = node.get(p + "Requires").list().stream()
                .map(n -> scope.scope(SelectorParser.cilium(n))).toList();
        List<Peer> others = new ArrayList<>();
        boolean allEntities = false;
        for (Node n : node.get(p + "CIDR").list()) {
            others.add(cidr(n));
        }
        for (Node n : node.get(p + "CIDRSet").list()) {
            others.add(cidrRule(n));
        }
        for (Node n : node.get(p + "Entities").list()) {
            Entity e = entity(n);
            allEntities |= e == Entity.ALL;
            others.add(new Peer.EntityPeer(e));
        }
        for (Node n : node.get("toServices").list()) {
            others.add(service(n));
        }
        for (Node n : node.get(p + "Nodes").list()) {
            others.add(new Peer.Nodes(SelectorParser.cilium(n)));
        }
        for (Node n : node.get(p + "Groups").list()) {
            others.add(group(n));
        }
        for (Node n : node.get("toFQDNs").list()) {
            others.add(new Peer.Fqdn(L7Parser.fqdn(n)));
        }
        if (!l3Given || allEntities) {
            return new Element(true, List.of(), List.of(), requires, ports, icmps);
        }
        return new Element(false, endpoints, others, requires, ports, icmps);
    }

    private static Map<String, String> hints(boolean ingress, boolean deny) {
        Map<String, String> hints = new HashMap<>();
        if (ingress) {
            hints.put("toFQDNs", "toFQDNs is only allowed in egress rules");
            hints.put("toServices", "toServices is only allowed in egress rules");
        }
        if (deny) {
            hints.put("toFQDNs", "deny rules cannot use toFQDNs");
            hints.put("authentication", "deny rules take no authentication");
        }
        return hints;
    }

    private static Peer cidr(Node node) {
        String text = node.string();
        try {
            Cidrs.parsePrefixOrAddress(text);
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
        return new Peer.Cidr(Cidrs.withLength(text), List.of());
    }

    private static Peer cidrRule(Node node) {
        node.object(CIDR_RULE_FIELDS);
        List<String> given = List.of("cidr", "cidrGroupRef", "cidrGroupSelector").stream()
                .filter(f -> node.get(f).isPresent()).toList();
        if (given.size() != 1) {
            throw node.error("needs exactly one of cidr, cidrGroupRef and cidrGroupSelector"
                    + (given.isEmpty() ? "" : ", not " + String.join(" and ", given)));
        }
        if (!given.getFirst().equals("cidr")) {
            throw node.get(given.getFirst()).error("CiliumCIDRGroup references are not supported by Porin; "
                    + "write the prefixes with cidr");
        }
        Node cidrNode = node.get("cidr");
        Cidrs.Prefix cidr = Cidrs.prefix(cidrNode);
        Node exceptNode = node.get("except");
        List<String> except = exceptNode.strings();
        List<Node> exceptNodes = exceptNode.list();
        for (int i = 0; i < except.size(); i++) {
            if (!cidr.contains(Cidrs.prefix(exceptNodes.get(i)))) {
                throw exceptNodes.get(i).error("\"" + except.get(i) + "\" does not lie inside cidr \""
                        + cidrNode.string() + "\"");
            }
        }
        return new Peer.Cidr(cidrNode.string(), except);
    }

    private static Entity entity(Node node) {
        try {
            return Entity.parse(node.string());
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
    }

    private static Peer service(Node node) {
        node.object(SERVICE_FIELDS);
        Node byName = node.get("k8sService");
        Node bySelector = node.get("k8sServiceSelector");
        if (byName.isPresent() == bySelector.isPresent()) {
            throw node.error("needs exactly one of k8sService and k8sServiceSelector");
        }
        if (byName.isPresent()) {
            byName.object(SERVICE_NAME_FIELDS);
            Node name = byName.get("serviceName");
            if (name.string().isEmpty()) {
                throw name.error("must not be empty");
            }
            return new Peer.Service(name.string(), null, byName.get("namespace").string(null));
        }
        bySelector.object(SERVICE_SELECTOR_FIELDS);
        LabelSelector selector = SelectorParser.cilium(bySelector.get("selector").required());
        return new Peer.Service(null, selector, bySelector.get("namespace").string(null));
    }

    /** A cloud provider group: only AWS exists; its fields are type-checked, the provider is what is kept. */
    private static Peer group(Node node) {
        node.object(GROUP_FIELDS);
        Node aws = node.get("aws").required();
        aws.object(AWS_FIELDS);
        aws.get("labels").stringMap();
        aws.get("securityGroupsIds").strings();
        aws.get("securityGroupsNames").strings();
        aws.get("region").string(null);
        return new Peer.Group("aws");
    }

    /** Mutual authentication settings: checked, not kept (Porin has no mutual authentication). */
    private static void authentication(Node node) {
        if (node.isAbsent()) {
            return;
        }
        node.object(List.of("mode"));
        Node mode = node.get("mode");
        if (!AUTHENTICATION_MODES.contains(mode.string())) {
            throw mode.error("unknown mode \"" + mode.string() + "\"; expected disabled, required or test-always-fail");
        }
    }
}
