// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Ports and ICMP types: Cilium's {@code toPorts} and {@code icmps}, and the {@code ports} of a Kubernetes
 * NetworkPolicy. A port is a number, a range ({@code endPort}) or a named port that is resolved later
 * against the pod declaring it.
 */
final class PortsParser {

    static final int MAX_PORTS = 40;
    static final int MAX_ICMP_FIELDS = 40;

    private static final List<String> PORT_RULE_FIELDS = List.of("ports", "rules", "serverNames", "terminatingTLS",
            "originatingTLS", "listener");
    private static final List<String> PORT_DENY_RULE_FIELDS = List.of("ports");
    private static final Map<String, String> DENY_HINTS = Map.of(
            "rules", "deny rules take no L7 rules; only ports",
            "serverNames", "deny rules take no TLS server names; only ports",
            "terminatingTLS", "deny rules take no TLS settings; only ports",
            "originatingTLS", "deny rules take no TLS settings; only ports",
            "listener", "deny rules take no listener; only ports");
    private static final List<String> PORT_FIELDS = List.of("port", "endPort", "protocol");
    private static final List<String> TLS_FIELDS = List.of("secret", "trustedCA", "certificate", "privateKey");
    private static final List<String> SECRET_FIELDS = List.of("namespace", "name");
    private static final List<String> LISTENER_FIELDS = List.of("envoyConfig", "name", "priority");
    private static final List<String> ENVOY_CONFIG_FIELDS = List.of("kind", "name");
    private static final List<String> ICMP_RULE_FIELDS = List.of("fields");
    private static final List<String> ICMP_FIELD_FIELDS = List.of("family", "type");
    private static final List<String> CILIUM_PROTOCOLS = List.of("TCP", "UDP", "SCTP", "VRRP", "IGMP", "ANY");

    private PortsParser() {
    }

    /**
     * Cilium's {@code toPorts}. Deny elements take only {@code ports}; {@code hostPolicy} is true for rules
     * with a {@code nodeSelector}, which take no HTTP rules (and no L7 rules at all on ingress).
     */
    static List<PortRule> cilium(Node toPorts, Direction direction, boolean deny, boolean hostPolicy) {
        List<PortRule> out = new ArrayList<>();
        for (Node rule : toPorts.list()) {
            out.add(deny ? ciliumDeny(rule) : ciliumAllow(rule, direction, hostPolicy));
        }
        return out;
    }

    private static PortRule ciliumDeny(Node rule) {
        rule.object(PORT_DENY_RULE_FIELDS, DENY_HINTS);
        return new PortRule(ciliumPorts(rule.get("ports")), null, List.of());
    }

    private static PortRule ciliumAllow(Node rule, Direction direction, boolean hostPolicy) {
        rule.object(PORT_RULE_FIELDS);
        Node rulesNode = rule.get("rules");
        L7Rules l7 = L7Parser.parse(rulesNode);
        Node portsNode = rule.get("ports");
        List<PortProtocol> ports = ciliumPorts(portsNode);
        if (l7 != null) {
            checkL7(l7, rulesNode, portsNode, ports, direction, hostPolicy);
        }
        Node serverNamesNode = rule.get("serverNames");
        List<String> serverNames = new ArrayList<>();
        for (Node name : serverNamesNode.list()) {
            serverNames.add(L7Parser.dnsText(name, true));
        }
        Node terminating = rule.get("terminatingTLS");
        tls(terminating);
        tls(rule.get("originatingTLS"));
        if (!serverNames.isEmpty() && l7 != null && terminating.isAbsent()) {
            throw serverNamesNode.error("cannot be combined with L7 rules unless terminatingTLS is set");
        }
        Node listener = rule.get("listener");
        if (listener.isPresent()) {
            if (direction == Direction.INGRESS) {
                throw listener.error("is only allowed on egress");
            }
            if (l7 != null) {
                throw listener.error("cannot be combined with L7 rules");
            }
            listener(listener);
        }
        return new PortRule(ports, l7, serverNames);
    }

    private static void checkL7(L7Rules l7, Node rulesNode, Node portsNode, List<PortProtocol> ports,
                                Direction direction, boolean hostPolicy) {
        boolean dns = l7 instanceof L7Rules.Dns;
        if (hostPolicy && (direction == Direction.INGRESS || !dns)) {
            throw rulesNode.error("host policies (nodeSelector) take no " + (dns ? "" : "HTTP or other ")
                    + "L7 rules on " + direction.title().toLowerCase(Locale.ROOT));
        }
        if (dns && direction == Direction.INGRESS) {
            throw rulesNode.get("dns").error("DNS rules are only allowed on egress");
        }
        if (portsNode.list().isEmpty()) {
            throw rulesNode.error(dns ? "DNS rules need their port (normally 53) listed in ports"
                    : "L7 rules need the ports they apply to listed in ports");
        }
        List<Node> portNodes = portsNode.list();
        for (int i = 0; i < ports.size(); i++) {
            PortProtocol p = ports.get(i);
            Node at = portNodes.get(i);
            if (p.allPorts()) {
                throw at.get("port").error("L7 rules cannot apply to port 0 (every port)");
            }
            if (dns && !List.of(Protocol.TCP, Protocol.UDP, Protocol.ANY).contains(p.protocol())) {
                throw at.get("protocol").error("DNS rules apply to TCP, UDP or ANY, not " + p.protocol());
            }
            if (dns && p.endPort() > p.port()) {
                throw at.get("endPort").error("DNS rules do not support port ranges");
            }
            if (!dns && p.protocol() != Protocol.TCP) {
                throw at.get("protocol").error("L7 rules only apply to TCP (DNS rules also to UDP and ANY), not "
                        + p.protocol());
            }
        }
    }

    /** Cilium's {@code ports}: no entries means every port of every protocol. */
    private static List<PortProtocol> ciliumPorts(Node ports) {
        List<Node> entries = ports.list();
        if (entries.size() > MAX_PORTS) {
            throw ports.error("lists " + entries.size() + " ports; a port rule takes at most " + MAX_PORTS);
        }
        if (entries.isEmpty()) {
            return List.of(PortProtocol.number(0, Protocol.ANY));
        }
        return entries.stream().map(PortsParser::ciliumPort).toList();
    }

    private static PortProtocol ciliumPort(Node node) {
        node.object(PORT_FIELDS);
        Protocol protocol = ciliumProtocol(node.get("protocol"));
        boolean portless = protocol == Protocol.VRRP || protocol == Protocol.IGMP;
        Node portNode = node.get("port");
        int port = 0;
        String name = null;
        if (portNode.isAbsent()) {
            if (!portless) {
                throw portNode.error("is required; write \"0\" for every port");
            }
        } else if (portNode.isInteger()) {
            throw portNode.error("must be a string: write \"" + portNode.json() + "\" in quotes");
        } else {
            String text = portNode.string();
            if (text.matches("[0-9]{1,5}") && Integer.parseInt(text) <= 65535) {
                port = Integer.parseInt(text);
            } else if (K8sSyntax.isServiceName(text)) {
                name = text.toLowerCase(Locale.ROOT);
            } else {
                throw portNode.error("\"" + text + "\" is neither a port number (0..65535) nor a port name (up to "
                        + "15 letters, digits and '-', with at least one letter)");
            }
        }
        if (portless && (port != 0 || name != null)) {
            throw portNode.error("protocol " + protocol + " has no ports; leave port out or write \"0\"");
        }
        int endPort = endPort(node.get("endPort"), port, name);
        return new PortProtocol(port, endPort, name, protocol);
    }

    private static Protocol ciliumProtocol(Node node) {
        if (node.isAbsent()) {
            return Protocol.ANY;
        }
        String text = node.string();
        if (CILIUM_PROTOCOLS.contains(text)) {
            return Protocol.valueOf(text);
        }
        if (text.toUpperCase(Locale.ROOT).startsWith("ICMP")) {
            throw node.error("ICMP is matched with icmps, not with ports");
        }
        throw node.error("unknown protocol \"" + text + "\"; expected TCP, UDP, SCTP, VRRP, IGMP or ANY");
    }

    /** An {@code endPort}: 0 when absent; a range needs a non-zero numeric port no larger than it. */
    private static int endPort(Node node, int port, String name) {
        if (node.isAbsent()) {
            return 0;
        }
        int end = node.integer();
        if (end < 0 || end > 65535) {
            throw node.error("must be between 0 and 65535, not " + end);
        }
        if (end != 0 && name != null) {
            throw node.error("cannot be used with the named port \"" + name + "\"; a range needs a port number");
        }
        if (end != 0 && port == 0) {
            throw node.error("needs a non-zero port to start the range");
        }
        if (end != 0 && end < port) {
            throw node.error("must not be less than port " + port);
        }
        return end;
    }

    /** One entry of a Kubernetes NetworkPolicy's {@code ports}: protocol defaults to TCP, no port means all. */
    static PortRule kubernetes(Node node) {
        node.object(PORT_FIELDS);
        Node protocolNode = node.get("protocol");
        String protocolText = protocolNode.string("TCP");
        if (!List.of("TCP", "UDP", "SCTP").contains(protocolText)) {
            throw protocolNode.error("unsupported protocol \"" + protocolText + "\"; expected TCP, UDP or SCTP");
        }
        Protocol protocol = Protocol.valueOf(protocolText);
        Node portNode = node.get("port");
        int port = 0;
        String name = null;
        if (portNode.isInteger()) {
            port = portNode.integer();
            if (port < 1 || port > 65535) {
                throw portNode.error("must be between 1 and 65535, not " + port);
            }
        } else if (portNode.isString()) {
            name = portNode.string();
            if (!K8sSyntax.isPortName(name)) {
                throw portNode.error("\"" + name + "\" " + K8sSyntax.PORT_NAME_RULE
                        + (name.matches("[0-9]+") ? " (write a port number without quotes)" : ""));
            }
        } else if (portNode.isPresent()) {
            throw portNode.error("must be a port number or a port name");
        }
        Node endPortNode = node.get("endPort");
        if (endPortNode.isPresent() && portNode.isAbsent()) {
            throw endPortNode.error("needs port to be set");
        }
        int endPort = endPort(endPortNode, port, name);
        if (endPortNode.isPresent() && endPort == 0) {
            throw endPortNode.error("must be between 1 and 65535, not 0");
        }
        return PortRule.of(new PortProtocol(port, endPort, name, protocol));
    }

    /** Cilium's {@code icmps}: every listed type, flattened; at most 40 per entry. */
    static List<IcmpField> icmps(Node icmps) {
        List<IcmpField> out = new ArrayList<>();
        for (Node rule : icmps.list()) {
            rule.object(ICMP_RULE_FIELDS);
            Node fields = rule.get("fields");
            if (fields.list().size() > MAX_ICMP_FIELDS) {
                throw fields.error("lists " + fields.list().size() + " ICMP types; at most " + MAX_ICMP_FIELDS);
            }
            for (Node field : fields.list()) {
                field.object(ICMP_FIELD_FIELDS);
                Node family = field.get("family");
                String familyText = family.string(null);
                if (familyText != null && !familyText.equals("IPv4") && !familyText.equals("IPv6")) {
                    throw family.error("unknown family \"" + familyText + "\"; expected IPv4 or IPv6");
                }
                Node type = field.get("type").required();
                String typeText = type.isInteger() ? String.valueOf(type.integer()) : type.string();
                try {
                    out.add(IcmpField.parse(familyText, typeText));
                } catch (IllegalArgumentException e) {
                    throw type.error(e.getMessage());
                }
            }
        }
        return out;
    }

    /** Checks a TLS context's shape; Porin does not terminate or originate TLS, so nothing is kept. */
    private static void tls(Node node) {
        if (node.isAbsent()) {
            return;
        }
        node.object(TLS_FIELDS);
        Node secret = node.get("secret").required();
        secret.object(SECRET_FIELDS);
        secret.get("namespace").string(null);
        if (secret.get("name").string().isEmpty()) {
            throw secret.get("name").error("must not be empty");
        }
        for (String f : List.of("trustedCA", "certificate", "privateKey")) {
            node.get(f).string(null);
        }
    }

    /** Checks a listener reference's shape; Porin has no Envoy listeners, so nothing is kept. */
    private static void listener(Node node) {
        node.object(LISTENER_FIELDS);
        Node config = node.get("envoyConfig").required();
        config.object(ENVOY_CONFIG_FIELDS);
        Node kind = config.get("kind");
        if (!List.of("CiliumEnvoyConfig", "CiliumClusterwideEnvoyConfig").contains(kind.string())) {
            throw kind.error("unknown kind \"" + kind.string()
                    + "\"; expected CiliumEnvoyConfig or CiliumClusterwideEnvoyConfig");
        }
        for (Node name : List.of(config.get("name"), node.get("name"))) {
            if (name.string().isEmpty()) {
                throw name.error("must not be empty");
            }
        }
        Node priority = node.get("priority");
        if (priority.isPresent() && (priority.integer() < 1 || priority.integer() > 100)) {
            throw priority.error("must be between 1 and 100");
        }
    }
}
