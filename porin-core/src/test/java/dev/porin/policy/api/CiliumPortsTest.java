// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.porin.policy.api.Fixtures.ccnp;
import static dev.porin.policy.api.Fixtures.ccnpError;
import static dev.porin.policy.api.Fixtures.cnp;
import static dev.porin.policy.api.Fixtures.cnpError;
import static org.assertj.core.api.Assertions.assertThat;

/** Cilium {@code toPorts} (ports, ranges, named ports, L7 rules) and {@code icmps}. */
class CiliumPortsTest {

    private static PortRule onlyPortRule(Rule r) {
        return r.egress().getFirst().ports().getFirst();
    }

    private static Rule egressPorts(String portRule) {
        return cnp("endpointSelector: {}\negress:\n- toPorts:\n  - " + portRule.strip().replace("\n", "\n    ") + "\n");
    }

    private static PolicyValidationException egressPortsError(String portRule) {
        return cnpError("endpointSelector: {}\negress:\n- toPorts:\n  - " + portRule.strip().replace("\n", "\n    ")
                + "\n");
    }

    @Test
    void portsProtocolsAndRanges() {
        PortRule pr = onlyPortRule(egressPorts("""
                ports:
                - {port: "80"}
                - {port: "53", protocol: UDP}
                - {port: "4096", endPort: 8191, protocol: TCP}
                - {port: "0", protocol: SCTP}
                - {protocol: VRRP}
                """));
        assertThat(pr.ports()).containsExactly(
                new PortProtocol(80, 0, null, Protocol.ANY),
                new PortProtocol(53, 0, null, Protocol.UDP),
                new PortProtocol(4096, 8191, null, Protocol.TCP),
                new PortProtocol(0, 0, null, Protocol.SCTP),
                new PortProtocol(0, 0, null, Protocol.VRRP));
        assertThat(pr.rules()).isNull();
    }

    @Test
    void namedPortsAreLowerCased() {
        PortRule pr = onlyPortRule(egressPorts("ports: [{port: http-8080, protocol: TCP}, {port: DNS}]"));
        assertThat(pr.ports()).containsExactly(new PortProtocol(0, 0, "http-8080", Protocol.TCP),
                new PortProtocol(0, 0, "dns", Protocol.ANY));
    }

    @Test
    void aPortRuleWithoutPortsCoversEveryPort() {
        PortRule pr = onlyPortRule(egressPorts("serverNames: [one.one.one.one]"));
        assertThat(pr.ports()).containsExactly(new PortProtocol(0, 0, null, Protocol.ANY));
        assertThat(pr.serverNames()).containsExactly("one.one.one.one");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {port: 80}                          | port     | must be a string: write "80" in quotes
            {protocol: TCP}                     | port     | is required; write "0" for every port
            {port: "70000"}                     | port     | "70000" is neither a port number (0..65535) nor a port name
            {port: "-web"}                      | port     | "-web" is neither a port number
            {port: "80", protocol: tcp}         | protocol | unknown protocol "tcp"; expected TCP, UDP, SCTP, VRRP, IGMP or ANY
            {port: "0", protocol: ICMP}         | protocol | ICMP is matched with icmps, not with ports
            {port: "112", protocol: VRRP}       | port     | protocol VRRP has no ports
            {port: "80", endPort: 79}           | endPort  | must not be less than port 80
            {port: http, endPort: 90}           | endPort  | cannot be used with the named port "http"
            {port: "0", endPort: 90}            | endPort  | needs a non-zero port to start the range
            {port: "80", endPort: "90"}         | endPort  | must be an integer, not the string "90"
            {port: "80", end: 90}               | end      | unknown field "end"; expected one of port, endPort, protocol
            """)
    void badPortsAreNamedPrecisely(String port, String field, String reason) {
        var e = egressPortsError("ports: [{port: \"1\"}, " + port + "]");
        assertThat(e.field()).isEqualTo("spec.egress[0].toPorts[0].ports[1]." + field);
        assertThat(e.reason()).startsWith(reason);
    }

    @Test
    void atMostFortyPortsPerPortRule() {
        String forty = IntStream.rangeClosed(1, 40).mapToObj(i -> "{port: \"" + i + "\"}")
                .collect(Collectors.joining(", ", "ports: [", "]"));
        assertThat(onlyPortRule(egressPorts(forty)).ports()).hasSize(40);
        var e = egressPortsError(forty.replace("]", ", {port: \"41\"}]"));
        assertThat(e.field()).isEqualTo("spec.egress[0].toPorts[0].ports");
        assertThat(e.reason()).isEqualTo("lists 41 ports; a port rule takes at most 40");
    }

    @Test
    void httpRules() {
        PortRule pr = onlyPortRule(egressPorts("""
                ports: [{port: "8080", protocol: TCP}]
                rules:
                  http:
                  - {method: GET, path: "/public$"}
                  - method: GET
                    path: "/private$"
                    headers: ["X-Very-Secret-Token: 42"]
                    headerMatches:
                    - {name: Authorization, mismatch: REPLACE, secret: {namespace: ns1, name: token}}
                """));
        var http = (L7Rules.Http) pr.rules();
        assertThat(http.rules()).hasSize(2);
        assertThat(http.rules().get(0)).isEqualTo(new L7Rules.HttpRule("GET", "/public$", null, List.of()));
        assertThat(http.rules().get(1).headers()).containsExactly("X-Very-Secret-Token: 42");
        assertThat(http.rules().get(1).headerMatches()).containsExactly(
                new L7Rules.HeaderMatch("Authorization", null, "ns1", "token", "REPLACE"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            ports: [{port: "80", protocol: UDP}], rules: {http: [{}]}           | ports[0].protocol | L7 rules only apply to TCP
            ports: [{port: "80"}], rules: {http: [{}]}                          | ports[0].protocol | L7 rules only apply to TCP (DNS rules also to UDP and ANY), not ANY
            ports: [{port: "0", protocol: TCP}], rules: {http: [{}]}            | ports[0].port     | L7 rules cannot apply to port 0
            rules: {http: [{}]}                                                 | rules             | L7 rules need the ports they apply to listed in ports
            ports: [{port: "80", protocol: TCP}], rules: {http: [{path: "(("}]} | rules.http[0].path | "((" is not a valid regular expression
            ports: [{port: "80", protocol: TCP}], rules: {http: [], dns: []}    | rules             | holds http and dns rules; a port rule takes one kind of L7 rule
            ports: [{port: "53", endPort: 54, protocol: UDP}], rules: {dns: [{matchPattern: "*"}]} | ports[0].endPort | DNS rules do not support port ranges
            ports: [{port: "53", protocol: SCTP}], rules: {dns: [{matchPattern: "*"}]} | ports[0].protocol | DNS rules apply to TCP, UDP or ANY, not SCTP
            rules: {dns: [{matchPattern: "*"}]}                                 | rules             | DNS rules need their port (normally 53) listed in ports
            ports: [{port: "80", protocol: TCP}], rules: {l7: [{a: b}]}         | rules.l7          | needs l7proto
            ports: [{port: "9092", protocol: TCP}], rules: {kafka: [{role: produce, apiKey: fetch}]} | rules.kafka[0] | sets both role and apiKey
            ports: [{port: "9092", protocol: TCP}], rules: {kafka: [{apiKey: steal}]} | rules.kafka[0].apiKey | unknown Kafka API key "steal"
            ports: [{port: "443", protocol: TCP}], serverNames: [a.com], rules: {http: [{}]} | serverNames | cannot be combined with L7 rules unless terminatingTLS is set
            ports: [{port: "443", protocol: TCP}], serverNames: [""]            | serverNames[0]    | "" is not a valid DNS pattern
            ports: [{port: "80", protocol: TCP}], listener: {envoyConfig: {kind: Other, name: x}, name: l} | listener.envoyConfig.kind | unknown kind "Other"
            """)
    void l7RulesAreCheckedAsCiliumChecksThem(String portRule, String field, String reason) {
        var e = egressPortsError("{" + portRule + "}");
        assertThat(e.field()).isEqualTo("spec.egress[0].toPorts[0]." + field);
        assertThat(e.reason()).startsWith(reason);
    }

    @Test
    void dnsKafkaAndGenericRules() {
        Rule r = cnp("""
                endpointSelector: {}
                egress:
                - toEndpoints: [{matchLabels: {"k8s:k8s-app": kube-dns}}]
                  toPorts:
                  - ports: [{port: "53", protocol: ANY}]
                    rules: {dns: [{matchName: cilium.io}, {matchPattern: "*.cilium.io"}]}
                ingress:
                - toPorts:
                  - ports: [{port: "9092", protocol: TCP}]
                    rules: {kafka: [{role: Produce, topic: deathstar-plans}, {apiKey: ApiVersions, apiVersion: "2"}]}
                  - ports: [{port: "6379", protocol: TCP}]
                    rules: {l7proto: r2d2, l7: [{cmd: READ, file: "/public/.*"}]}
                """);
        assertThat(((L7Rules.Dns) r.egress().getFirst().ports().getFirst().rules()).rules())
                .containsExactly(new FqdnSelector("cilium.io", null), new FqdnSelector(null, "*.cilium.io"));
        List<PortRule> ingress = r.ingress().getFirst().ports();
        assertThat(((L7Rules.Kafka) ingress.get(0).rules()).rules()).containsExactly(
                new L7Rules.KafkaRule("produce", null, null, null, "deathstar-plans"),
                new L7Rules.KafkaRule(null, "apiversions", "2", null, null));
        var generic = (L7Rules.Generic) ingress.get(1).rules();
        assertThat(generic.protocol()).isEqualTo("r2d2");
        assertThat(generic.rules().getFirst()).containsEntry("cmd", "READ").containsEntry("file", "/public/.*");
    }

    @Test
    void dnsRulesAreEgressOnly() {
        var e = cnpError("""
                endpointSelector: {}
                ingress:
                - toPorts: [{ports: [{port: "53", protocol: UDP}], rules: {dns: [{matchPattern: "*"}]}}]
                """);
        assertThat(e.field()).isEqualTo("spec.ingress[0].toPorts[0].rules.dns");
        assertThat(e.reason()).isEqualTo("DNS rules are only allowed on egress");
    }

    @Test
    void denyRulesTakeOnlyPorts() {
        var e = cnpError("""
                endpointSelector: {}
                ingressDeny:
                - toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{method: GET}]}}]
                """);
        assertThat(e.field()).isEqualTo("spec.ingressDeny[0].toPorts[0].rules");
        assertThat(e.reason()).isEqualTo("deny rules take no L7 rules; only ports");
        Rule r = cnp("""
                endpointSelector: {}
                egressDeny:
                - toPorts: [{ports: [{port: "4096", endPort: 8191, protocol: TCP}]}]
                """);
        assertThat(r.egressDeny().getFirst().ports().getFirst().ports())
                .containsExactly(new PortProtocol(4096, 8191, null, Protocol.TCP));
    }

    @Test
    void listenersAreEgressOnly() {
        var e = cnpError("""
                endpointSelector: {}
                ingress:
                - toPorts: [{ports: [{port: "80", protocol: TCP}], listener: {envoyConfig: {kind: CiliumEnvoyConfig, name: c}, name: l}}]
                """);
        assertThat(e.field()).isEqualTo("spec.ingress[0].toPorts[0].listener");
        assertThat(e.reason()).isEqualTo("is only allowed on egress");
    }

    @Test
    void hostPoliciesTakeNoHttpRules() {
        Rule dns = ccnp("""
                nodeSelector: {}
                egress:
                - toPorts: [{ports: [{port: "53", protocol: UDP}], rules: {dns: [{matchPattern: "*"}]}}]
                """);
        assertThat(dns.egress()).hasSize(1);
        var e = ccnpError("""
                nodeSelector: {}
                egress:
                - toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{}]}}]
                """);
        assertThat(e.field()).isEqualTo("spec.egress[0].toPorts[0].rules");
        assertThat(e.reason()).isEqualTo("host policies (nodeSelector) take no HTTP or other L7 rules on egress");
    }

    @Test
    void icmpTypesByNumberOrName() {
        Rule r = cnp("""
                endpointSelector: {}
                egress:
                - icmps:
                  - fields:
                    - {type: 8, family: IPv4}
                    - {type: EchoRequest, family: IPv6}
                    - {type: TimeExceeded}
                    - {type: "0"}
                """);
        assertThat(r.egress().getFirst().icmps()).containsExactly(new IcmpField(false, 8), new IcmpField(true, 128),
                new IcmpField(false, 11), new IcmpField(false, 0));
        assertThat(r.egress().getFirst().ports()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {type: PacketTooBig}          | fields[0].type   | unknown ICMPv4 type 'PacketTooBig'
            {type: 256}                   | fields[0].type   | ICMP type 256 is outside 0..255
            {type: 8, family: ipv4}       | fields[0].family | unknown family "ipv4"; expected IPv4 or IPv6
            {family: IPv4}                | fields[0].type   | is required
            """)
    void badIcmpFieldsAreNamed(String field, String path, String reason) {
        var e = cnpError("endpointSelector: {}\negress:\n- icmps: [{fields: [" + field + "]}]\n");
        assertThat(e.field()).isEqualTo("spec.egress[0].icmps[0]." + path);
        assertThat(e.reason()).startsWith(reason);
    }

    @Test
    void icmpsLimitsAndExclusivity() {
        String fortyOne = IntStream.rangeClosed(0, 40).mapToObj(i -> "{type: " + i + "}")
                .collect(Collectors.joining(", ", "[", "]"));
        var tooMany = cnpError("endpointSelector: {}\negress:\n- icmps: [{fields: " + fortyOne + "}]\n");
        assertThat(tooMany.field()).isEqualTo("spec.egress[0].icmps[0].fields");
        var withPorts = cnpError("""
                endpointSelector: {}
                ingress:
                - icmps: [{fields: [{type: 8}]}]
                  toPorts: [{ports: [{port: "80"}]}]
                """);
        assertThat(withPorts.field()).isEqualTo("spec.ingress[0]");
        assertThat(withPorts.reason()).startsWith("icmps cannot be combined with toPorts");
    }
}
