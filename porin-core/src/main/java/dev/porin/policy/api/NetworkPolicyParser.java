// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import dev.porin.labels.LabelSelector;
import dev.porin.labels.LabelSelector.Operator;
import dev.porin.labels.LabelSelector.Requirement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes NetworkPolicy ({@code networking.k8s.io/v1}) into one {@link Rule} (index 0), the way Cilium
 * translates it, after validating it the way the API server would.
 *
 * <ul>
 *   <li>{@code podSelector} keys become {@code k8s:} keys, pinned to the policy's namespace.</li>
 *   <li>A peer {@code podSelector} alone selects pods of the policy's namespace. A {@code namespaceSelector}
 *       selects on namespace labels ({@code k8s:io.cilium.k8s.namespace.labels.<key>}; empty means every
 *       namespace), AND-ed with the peer's {@code podSelector} if it has one. {@code ipBlock} becomes a
 *       {@link Peer.Cidr}.</li>
 *   <li>Each {@code ingress}/{@code egress} entry is one element; absent or empty {@code from}/{@code to}
 *       means any peer. Each {@code ports} entry is one port rule: protocol defaults to TCP, no port means
 *       every port, named ports and {@code endPort} ranges are kept.</li>
 *   <li>{@code policyTypes} defaults to {@code [Ingress]}, plus {@code Egress} when there are egress
 *       entries. A listed direction is default-deny; entries of an unlisted direction are validated and
 *       then ignored, as Kubernetes specifies.</li>
 * </ul>
 */
public final class NetworkPolicyParser {

    private static final List<String> DOCUMENT_FIELDS = List.of("apiVersion", "kind", "metadata", "spec", "status");
    private static final List<String> SPEC_FIELDS = List.of("podSelector", "ingress", "egress", "policyTypes");
    private static final List<String> INGRESS_FIELDS = List.of("from", "ports");
    private static final List<String> EGRESS_FIELDS = List.of("to", "ports");
    private static final List<String> PEER_FIELDS = List.of("podSelector", "namespaceSelector", "ipBlock");
    private static final List<String> IP_BLOCK_FIELDS = List.of("cidr", "except");

    private NetworkPolicyParser() {
    }

    /** The rule of a whole NetworkPolicy object. */
    public static List<Rule> parse(Node document, PolicyOrigin origin) {
        document.object(DOCUMENT_FIELDS);
        Node spec = document.get("spec").required();
        spec.object(SPEC_FIELDS);
        String namespace = origin.namespace();
        LabelSelector subject = SelectorParser.kubernetes(spec.get("podSelector"), "",
                Map.of(CiliumElementParser.NAMESPACE_KEY, namespace));

        List<PeerRule> ingress = new ArrayList<>();
        for (Node entry : spec.get("ingress").list()) {
            entry.object(INGRESS_FIELDS);
            ingress.add(element(entry.get("from"), entry.get("ports"), namespace));
        }
        List<PeerRule> egress = new ArrayList<>();
        for (Node entry : spec.get("egress").list()) {
            entry.object(EGRESS_FIELDS);
            egress.add(element(entry.get("to"), entry.get("ports"), namespace));
        }

        Node typesNode = spec.get("policyTypes");
        List<String> types = typesNode.strings();
        if (types.size() > 2) {
            throw typesNode.error("may list at most two policy types");
        }
        for (int i = 0; i < types.size(); i++) {
            if (!types.get(i).equals("Ingress") && !types.get(i).equals("Egress")) {
                throw typesNode.list().get(i).error("unsupported policy type \"" + types.get(i)
                        + "\"; expected Ingress or Egress");
            }
        }
        if (types.isEmpty()) {
            types = egress.isEmpty() ? List.of("Ingress") : List.of("Ingress", "Egress");
        }
        boolean isIngress = types.contains("Ingress");
        boolean isEgress = types.contains("Egress");
        return List.of(new Rule(origin, 0, subject, isIngress ? ingress : List.of(), List.of(),
                isEgress ? egress : List.of(), List.of(), isIngress, isEgress, null));
    }

    private static PeerRule element(Node peersNode, Node portsNode, String namespace) {
        List<PortRule> ports = portsNode.list().stream().map(PortsParser::kubernetes).toList();
        List<Node> peerNodes = peersNode.list();
        if (peerNodes.isEmpty()) {
            return new PeerRule(true, List.of(), ports, List.of());
        }
        List<Peer> peers = new ArrayList<>();
        for (Node peer : peerNodes) {
            peers.add(peer(peer, namespace));
        }
        return new PeerRule(false, peers, ports, List.of());
    }

    private static Peer peer(Node node, String namespace) {
        node.object(PEER_FIELDS);
        Node pods = node.get("podSelector");
        Node namespaces = node.get("namespaceSelector");
        Node ipBlock = node.get("ipBlock");
        if (pods.isAbsent() && namespaces.isAbsent() && ipBlock.isAbsent()) {
            throw node.error("must specify a peer: podSelector, namespaceSelector or ipBlock");
        }
        if (ipBlock.isPresent()) {
            if (pods.isPresent() || namespaces.isPresent()) {
                throw node.error("may not combine ipBlock with podSelector or namespaceSelector");
            }
            return ipBlock(ipBlock);
        }
        if (namespaces.isAbsent()) {
            return new Peer.Endpoints(SelectorParser.kubernetes(pods, "",
                    Map.of(CiliumElementParser.NAMESPACE_KEY, namespace)));
        }
        LabelSelector byNamespace = SelectorParser.kubernetes(namespaces, CiliumElementParser.NAMESPACE_LABELS_PREFIX,
                Map.of());
        if (byNamespace.isEmpty()) {
            byNamespace = byNamespace.and(Requirement.of("k8s:" + CiliumElementParser.NAMESPACE_KEY, Operator.EXISTS,
                    List.of()));
        }
        return new Peer.Endpoints(byNamespace.and(SelectorParser.kubernetes(pods, "", Map.of())));
    }

    /** An {@code ipBlock}: a CIDR prefix, each exception a strict subset of it. */
    private static Peer ipBlock(Node node) {
        node.object(IP_BLOCK_FIELDS);
        Node cidrNode = node.get("cidr");
        Cidrs.Prefix cidr = Cidrs.prefix(cidrNode);
        Node exceptNode = node.get("except");
        List<String> except = exceptNode.strings();
        for (int i = 0; i < except.size(); i++) {
            Node at = exceptNode.list().get(i);
            Cidrs.Prefix e = Cidrs.prefix(at);
            if (!cidr.contains(e) || e.bits() == cidr.bits()) {
                throw at.error("\"" + except.get(i) + "\" must be a strict subset of cidr \"" + cidrNode.string() + "\"");
            }
        }
        return new Peer.Cidr(cidrNode.string(), except);
    }
}
