// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.identity.SecurityLabels;
import dev.porin.labels.Label;
import dev.porin.labels.LabelSelector;
import dev.porin.net.Ipv4Prefix;
import dev.porin.policy.api.Direction;
import dev.porin.policy.api.Entity;
import dev.porin.policy.api.IcmpField;
import dev.porin.policy.api.Peer;
import dev.porin.policy.api.PeerRule;
import dev.porin.policy.api.PortProtocol;
import dev.porin.policy.api.PortRule;
import dev.porin.policy.api.Protocol;
import dev.porin.policy.api.RuleRef;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles rule elements into {@link ElementPlan}s: peers into selectors, ports into key templates.
 *
 * <p>Peers Porin cannot resolve yet select nobody, so rules using them fail closed: {@code toFQDNs}
 * (needs the DNS proxy), {@code toServices} (needs services), nodes and cloud groups (single node, no
 * cloud integration), and IPv6 CIDRs (the datapath routes IPv4).
 */
final class ElementCompiler {

    private static final Map<Entity, List<String>> ENTITY_LABELS = Map.of(
            Entity.HOST, List.of("host"),
            Entity.REMOTE_NODE, List.of("remote-node"),
            Entity.KUBE_APISERVER, List.of("kube-apiserver"),
            Entity.INGRESS, List.of("ingress"),
            Entity.INIT, List.of("init"),
            Entity.HEALTH, List.of("health"),
            Entity.UNMANAGED, List.of("unmanaged"),
            Entity.WORLD, List.of("world"),
            Entity.WORLD_IPV4, List.of("world"),
            Entity.WORLD_IPV6, List.of());

    private ElementCompiler() {
    }

    /**
     * @param ownPorts     the endpoint's named ports (ingress rules name the endpoint's own ports)
     * @param clusterPorts every named port in the cluster (egress rules name their peers' ports)
     */
    static ElementPlan compile(RuleRef ref, PeerRule element, List<NamedPort> ownPorts,
                               Map<String, Set<NamedPort>> clusterPorts) {
        boolean anyPeer = element.anyPeer();
        List<PeerSelector> selectors = new ArrayList<>();
        for (Peer peer : element.peers()) {
            switch (peer) {
                case Peer.Endpoints e -> {
                    if (e.selector().isEmpty()) {
                        anyPeer = true;
                    } else {
                        selectors.add(new PeerSelector.ByLabels(e.selector()));
                    }
                }
                case Peer.EntityPeer e -> {
                    if (e.entity() == Entity.ALL) {
                        anyPeer = true;
                    } else {
                        selectors.addAll(entity(e.entity()));
                    }
                }
                case Peer.Cidr c -> cidr(c).ifPresent(selectors::add);
                case Peer.Fqdn f -> { }
                case Peer.Service s -> { }
                case Peer.Nodes n -> { }
                case Peer.Group g -> { }
            }
        }
        if (anyPeer) {
            selectors.clear();
        }
        return new ElementPlan(ref, anyPeer, selectors, ports(element, ref.direction(), ownPorts, clusterPorts));
    }

    static List<PeerSelector> entity(Entity entity) {
        if (entity == Entity.CLUSTER) {
            List<PeerSelector> out = new ArrayList<>();
            for (String r : List.of("host", "remote-node", "init", "ingress", "health", "unmanaged", "kube-apiserver")) {
                out.add(reserved(r));
            }
            out.add(new PeerSelector.ByLabels(LabelSelector.ALL.and(new LabelSelector.Requirement(Label.SOURCE_K8S,
                    SecurityLabels.CLUSTER, LabelSelector.Operator.IN, new java.util.TreeSet<>(Set.of(SecurityLabels.DEFAULT_CLUSTER))))));
            return out;
        }
        return ENTITY_LABELS.getOrDefault(entity, List.of()).stream().map(ElementCompiler::reserved).toList();
    }

    private static PeerSelector reserved(String name) {
        return new PeerSelector.ByLabels(LabelSelector.ALL.and(new LabelSelector.Requirement(Label.SOURCE_RESERVED,
                name, LabelSelector.Operator.EXISTS, new java.util.TreeSet<>())));
    }

    private static java.util.Optional<PeerSelector> cidr(Peer.Cidr c) {
        if (c.cidr().contains(":")) {
            return java.util.Optional.empty();
        }
        List<Ipv4Prefix> except = c.except().stream().filter(e -> !e.contains(":")).map(Ipv4Prefix::parse).toList();
        return java.util.Optional.of(new PeerSelector.ByCidr(Ipv4Prefix.parse(c.cidr()), except));
    }

    /** The IPv4 prefixes an element names (CIDRs and their exceptions): each needs a CIDR identity. */
    static List<Ipv4Prefix> prefixes(PeerRule element) {
        List<Ipv4Prefix> out = new ArrayList<>();
        for (Peer p : element.peers()) {
            if (p instanceof Peer.Cidr c && !c.cidr().contains(":")) {
                out.add(Ipv4Prefix.parse(c.cidr()));
                c.except().stream().filter(e -> !e.contains(":")).map(Ipv4Prefix::parse).forEach(out::add);
            }
        }
        return out;
    }

    private static List<ElementPlan.Port> ports(PeerRule element, Direction direction, List<NamedPort> ownPorts,
                                                Map<String, Set<NamedPort>> clusterPorts) {
        if (element.allPortsAndProtocols()) {
            return List.of(ElementPlan.Port.ALL);
        }
        Set<ElementPlan.Port> out = new LinkedHashSet<>();
        for (PortRule rule : element.ports()) {
            if (rule.ports().isEmpty()) {
                // toPorts without ports: every port of TCP, UDP and SCTP
                for (Protocol p : Protocol.ANY.expand()) {
                    out.add(new ElementPlan.Port(p.number(), 0, 0));
                }
            }
            for (PortProtocol pp : rule.ports()) {
                for (Protocol proto : pp.protocol().expand()) {
                    if (pp.isNamed()) {
                        for (int port : named(pp.name(), proto, direction, ownPorts, clusterPorts)) {
                            out.add(new ElementPlan.Port(proto.number(), port, 16));
                        }
                    } else {
                        for (PolicyKey k : PolicyKey.range(0, direction, proto.number(), pp.first(), pp.last())) {
                            out.add(new ElementPlan.Port(proto.number(), k.port(), k.portPrefix()));
                        }
                    }
                }
            }
        }
        for (IcmpField icmp : element.icmps()) {
            if (!icmp.ipv6()) {
                // The datapath matches ICMP rules on the type, carried where ports are.
                out.add(new ElementPlan.Port(Protocol.ICMP.number(), icmp.type(), 16));
            }
        }
        return List.copyOf(out);
    }

    private static Set<Integer> named(String name, Protocol proto, Direction direction, List<NamedPort> ownPorts,
                                      Map<String, Set<NamedPort>> clusterPorts) {
        Set<Integer> ports = new java.util.TreeSet<>();
        if (direction == Direction.INGRESS) {
            ownPorts.stream().filter(p -> p.name().equals(name) && p.protocol() == proto).forEach(p -> ports.add(p.port()));
        } else {
            clusterPorts.getOrDefault(name, Set.of()).stream().filter(p -> p.protocol() == proto)
                    .forEach(p -> ports.add(p.port()));
        }
        return ports;
    }
}
