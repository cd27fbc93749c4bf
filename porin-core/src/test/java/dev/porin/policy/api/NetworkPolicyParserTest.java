// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static dev.porin.policy.api.Fixtures.knp;
import static dev.porin.policy.api.Fixtures.knpError;
import static org.assertj.core.api.Assertions.assertThat;

/** Kubernetes NetworkPolicy: validation and translation into one rule. */
class NetworkPolicyParserTest {

    private static String selector(PeerRule element, int peer) {
        return ((Peer.Endpoints) element.peers().get(peer)).selector().toString();
    }

    @Test
    void podSelectorBecomesANamespacedK8sSubject() {
        Rule r = knp("""
                podSelector:
                  matchLabels: {app: db, io.kubernetes.pod.namespace: elsewhere}
                  matchExpressions: [{key: tier, operator: NotIn, values: [web]}]
                """);
        assertThat(r.endpointSelector())
                .hasToString("{k8s:app=db,k8s:io.kubernetes.pod.namespace=ns1,k8s:tier notin (web)}");
        assertThat(r.index()).isZero();
        assertThat(r.origin()).isEqualTo(new PolicyOrigin(PolicyKind.NETWORK_POLICY, "ns1", "p"));
    }

    @Test
    void policyTypesDefaultToIngressPlusEgressWhenThereAreEgressRules() {
        Rule ingressOnly = knp("podSelector: {}\ningress: [{}]\n");
        assertThat(ingressOnly.defaultDenyIngress()).isTrue();
        assertThat(ingressOnly.defaultDenyEgress()).isFalse();
        assertThat(ingressOnly.ingress()).hasSize(1);

        Rule bare = knp("podSelector: {}\n");
        assertThat(bare.defaultDenyIngress()).isTrue();
        assertThat(bare.ingress()).isEmpty();

        Rule withEgress = knp("podSelector: {}\negress: [{}]\n");
        assertThat(withEgress.defaultDenyIngress()).isTrue();
        assertThat(withEgress.defaultDenyEgress()).isTrue();
        assertThat(withEgress.egress()).hasSize(1);
        assertThat(withEgress.ingressDeny()).isEmpty();
        assertThat(withEgress.egressDeny()).isEmpty();
    }

    @Test
    void explicitPolicyTypesDecideDefaultDenyAndDropUnlistedDirections() {
        Rule egressOnly = knp("""
                podSelector: {}
                policyTypes: [Egress]
                ingress: [{from: [{podSelector: {}}]}]
                egress: [{to: [{podSelector: {}}]}]
                """);
        assertThat(egressOnly.defaultDenyIngress()).isFalse();
        assertThat(egressOnly.ingress()).isEmpty();
        assertThat(egressOnly.defaultDenyEgress()).isTrue();
        assertThat(egressOnly.egress()).hasSize(1);

        Rule both = knp("podSelector: {}\npolicyTypes: [Ingress, Egress]\n");
        assertThat(both.defaultDenyIngress()).isTrue();
        assertThat(both.defaultDenyEgress()).isTrue();
        assertThat(both.ingress()).isEmpty();
        assertThat(both.egress()).isEmpty();
    }

    @Test
    void absentOrEmptyPeersMeanAnyPeer() {
        Rule r = knp("""
                podSelector: {}
                ingress:
                - ports: [{port: 80}]
                - from: []
                egress:
                - to:
                  ports: [{port: 53, protocol: UDP}]
                """);
        assertThat(r.ingress()).allSatisfy(e -> assertThat(e.anyPeer()).isTrue());
        assertThat(r.egress().getFirst().anyPeer()).isTrue();
        assertThat(r.egress().getFirst().ports()).containsExactly(PortRule.of(PortProtocol.number(53, Protocol.UDP)));
    }

    @Test
    void peersByPodNamespaceAndAddress() {
        Rule r = knp("""
                podSelector: {}
                ingress:
                - from:
                  - podSelector: {matchLabels: {role: frontend}}
                  - namespaceSelector: {matchLabels: {team: a}}
                  - namespaceSelector: {}
                  - namespaceSelector: {matchExpressions: [{key: env, operator: In, values: [prod]}]}
                    podSelector: {matchLabels: {role: client}}
                  - ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24]}
                """);
        PeerRule e = r.ingress().getFirst();
        assertThat(e.anyPeer()).isFalse();
        assertThat(selector(e, 0)).isEqualTo("{k8s:io.kubernetes.pod.namespace=ns1,k8s:role=frontend}");
        assertThat(selector(e, 1)).isEqualTo("{k8s:io.cilium.k8s.namespace.labels.team=a}");
        assertThat(selector(e, 2)).isEqualTo("{k8s:io.kubernetes.pod.namespace}");
        assertThat(selector(e, 3)).isEqualTo("{k8s:io.cilium.k8s.namespace.labels.env=prod,k8s:role=client}");
        assertThat(e.peers().get(4)).isEqualTo(new Peer.Cidr("172.17.0.0/16", List.of("172.17.1.0/24")));
    }

    @Test
    void portsDefaultToTcpAndKeepNamesAndRanges() {
        Rule r = knp("""
                podSelector: {}
                egress:
                - ports:
                  - {}
                  - {protocol: UDP}
                  - {port: serve-80-tcp}
                  - {port: 4096, endPort: 8191, protocol: SCTP}
                """);
        assertThat(r.egress().getFirst().ports()).containsExactly(
                PortRule.of(PortProtocol.number(0, Protocol.TCP)),
                PortRule.of(PortProtocol.number(0, Protocol.UDP)),
                PortRule.of(new PortProtocol(0, 0, "serve-80-tcp", Protocol.TCP)),
                PortRule.of(new PortProtocol(4096, 8191, null, Protocol.SCTP)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {ports: [{port: "80"}]}                   | spec.ingress[0].ports[0].port     | "80" must be a port name
            {ports: [{port: 0}]}                      | spec.ingress[0].ports[0].port     | must be between 1 and 65535, not 0
            {ports: [{port: Web}]}                    | spec.ingress[0].ports[0].port     | "Web" must be a port name
            {ports: [{port: 80, protocol: ANY}]}      | spec.ingress[0].ports[0].protocol | unsupported protocol "ANY"; expected TCP, UDP or SCTP
            {ports: [{endPort: 90}]}                  | spec.ingress[0].ports[0].endPort  | needs port to be set
            {ports: [{port: web, endPort: 90}]}       | spec.ingress[0].ports[0].endPort  | cannot be used with the named port "web"
            {ports: [{port: 80, endPort: 70}]}        | spec.ingress[0].ports[0].endPort  | must not be less than port 80
            {from: [{}]}                              | spec.ingress[0].from[0]           | must specify a peer
            {from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]} | spec.ingress[0].from[0] | may not combine ipBlock with podSelector or namespaceSelector
            {from: [{ipBlock: {cidr: 10.0.0.1}}]}     | spec.ingress[0].from[0].ipBlock.cidr | "10.0.0.1" is not a CIDR prefix
            {from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/8]}}]} | spec.ingress[0].from[0].ipBlock.except[0] | "10.0.0.0/8" must be a strict subset of cidr "10.0.0.0/8"
            {from: [{ipBlock: {cidr: 10.0.0.0/8, except: [192.168.0.0/16]}}]} | spec.ingress[0].from[0].ipBlock.except[0] | "192.168.0.0/16" must be a strict subset
            {from: [{podSelector: {matchExpressions: [{key: app, operator: in, values: [a]}]}}]} | spec.ingress[0].from[0].podSelector.matchExpressions[0].operator | unknown operator "in"
            {from: [{podSelector: {matchLabels: {"k8s:app": a}}}]} | spec.ingress[0].from[0].podSelector.matchLabels["k8s:app"] | "k8s:app" must be a label key
            {from: [{namespaceSelector: {}, ipblock: {}}]} | spec.ingress[0].from[0].ipblock | unknown field "ipblock"
            {to: [{podSelector: {}}]}                 | spec.ingress[0].to                | unknown field "to"; expected one of from, ports
            """)
    void validatedLikeTheApiServer(String ingressRule, String field, String reason) {
        var e = knpError("podSelector: {}\ningress:\n- " + ingressRule + "\n");
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.reason()).startsWith(reason);
    }

    @Test
    void specErrors() {
        var types = knpError("podSelector: {}\npolicyTypes: [Ingress, Outgress]\n");
        assertThat(types.field()).isEqualTo("spec.policyTypes[1]");
        assertThat(types.reason()).isEqualTo("unsupported policy type \"Outgress\"; expected Ingress or Egress");
        var tooMany = knpError("podSelector: {}\npolicyTypes: [Ingress, Egress, Ingress]\n");
        assertThat(tooMany.field()).isEqualTo("spec.policyTypes");
        var unknown = knpError("podSelector: {}\ningressDeny: []\n");
        assertThat(unknown.field()).isEqualTo("spec.ingressDeny");
        assertThat(unknown.reason()).isEqualTo("unknown field \"ingressDeny\"; expected one of podSelector, ingress, "
                + "egress, policyTypes");
    }
}
