// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import dev.porin.labels.Label;
import dev.porin.labels.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static dev.porin.policy.api.Fixtures.ccnp;
import static dev.porin.policy.api.Fixtures.cnp;
import static dev.porin.policy.api.Fixtures.cnpError;
import static dev.porin.policy.api.Fixtures.error;
import static dev.porin.policy.api.Fixtures.rules;
import static org.assertj.core.api.Assertions.assertThat;

/** Rule-level structure of Cilium policies: spec/specs, subjects, directions and default-deny. */
class CiliumPolicyParserTest {

    @Test
    void specComesFirstThenSpecsInOrder() {
        List<Rule> rules = rules("""
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: multi, namespace: ns1}
                spec:
                  description: first
                  endpointSelector: {matchLabels: {app: a}}
                  ingress: [{}]
                specs:
                - description: second
                  endpointSelector: {matchLabels: {app: b}}
                  egress: [{}]
                - endpointSelector: {matchLabels: {app: c}}
                  egressDeny: [{}]
                """);
        assertThat(rules).extracting(Rule::index).containsExactly(0, 1, 2);
        assertThat(rules).extracting(Rule::description).containsExactly("first", "second", null);
        assertThat(rules.getFirst().origin())
                .isEqualTo(new PolicyOrigin(PolicyKind.CILIUM_NETWORK_POLICY, "ns1", "multi"));
        assertThat(rules.get(1).ref(Direction.EGRESS, false, 0))
                .hasToString("ns1/multi (CiliumNetworkPolicy) rule 1 egress[0]");
    }

    @Test
    void aPolicyNeedsRules() {
        var e = error("""
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: empty}
                specs: []
                """);
        assertThat(e.field()).isEqualTo("(document)");
        assertThat(e.reason()).isEqualTo("has no rules: give spec, or specs with at least one rule");
    }

    @Test
    void strayTopLevelDescriptionAndStatusAreTolerated() {
        List<Rule> rules = rules("""
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                description: "L3-L4 policy to restrict deathstar access to empire ships only"
                metadata: {name: rule1}
                spec:
                  endpointSelector: {matchLabels: {org: empire}}
                  ingress: [{fromEndpoints: [{matchLabels: {org: empire}}]}]
                status:
                  conditions: [{type: Valid, status: "True"}]
                """);
        assertThat(rules).hasSize(1);
        var e = error("""
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: rule1}
                spce: {}
                """);
        assertThat(e.field()).isEqualTo("spce");
        assertThat(e.reason()).startsWith("unknown field \"spce\"");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            endpointSelector: {}                                    | spec | needs at least one of ingress, ingressDeny, egress and egressDeny
            {endpointSelector: {}, ingress: [], egress: []}        | spec | needs at least one of ingress, ingressDeny, egress and egressDeny
            ingress: [{}]                                           | spec | needs an endpointSelector
            {endpointSelector: {}, nodeSelector: {}, ingress: [{}]} | spec | sets both endpointSelector and nodeSelector
            {nodeSelector: {}, ingress: [{}]}                       | spec.nodeSelector | is only allowed in a CiliumClusterwideNetworkPolicy
            {endpointSelector: {}, ingres: [{}]}                    | spec.ingres | unknown field "ingres"
            {endpointSelector: {}, ingress: {}}                     | spec.ingress | must be a list, not a mapping
            {endpointSelector: {}, ingress: [{}], enableDefaultDeny: {ingress: "no"}} | spec.enableDefaultDeny.ingress | must be true or false
            {endpointSelector: {}, ingress: [{}], enableDefaultDeny: {both: false}}   | spec.enableDefaultDeny.both | unknown field "both"
            {endpointSelector: {}, ingress: [{}], labels: [{value: x}]}              | spec.labels[0].key | is required
            {endpointSelector: {}, ingress: [{}], log: {value: "this log value is longer than thirty-two"}} | spec.log.value | must be at most 32 printable characters
            """)
    void ruleShapeErrors(String spec, String field, String reason) {
        var e = cnpError(spec);
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.reason()).startsWith(reason);
    }

    @Test
    void defaultDenyFollowsTheDirectionsARuleHas() {
        Rule ingressOnly = cnp("endpointSelector: {}\ningress: [{}]\n");
        assertThat(ingressOnly.defaultDenyIngress()).isTrue();
        assertThat(ingressOnly.defaultDenyEgress()).isFalse();

        Rule denyOnly = cnp("endpointSelector: {}\negressDeny: [{toEntities: [world]}]\n");
        assertThat(denyOnly.defaultDenyEgress()).isTrue();
        assertThat(denyOnly.egress()).isEmpty();

        Rule optedOut = cnp("""
                endpointSelector: {}
                egress: [{toEntities: [world]}]
                ingress: [{}]
                enableDefaultDeny: {egress: false, ingress: true}
                """);
        assertThat(optedOut.defaultDenyEgress()).isFalse();
        assertThat(optedOut.defaultDenyIngress()).isTrue();

        Rule noSuchDirection = cnp("""
                endpointSelector: {}
                egress: [{}]
                enableDefaultDeny: {ingress: true}
                """);
        assertThat(noSuchDirection.defaultDenyIngress()).isFalse();
    }

    @Test
    void ruleMetadataIsValidatedAndDropped() {
        Rule r = cnp("""
                endpointSelector: {}
                ingress: [{}]
                labels: [{key: team, value: payments, source: k8s}]
                log: {value: audit-me}
                """);
        assertThat(r.ingress()).hasSize(1);
    }

    @Test
    void nodeSelectorRulesSelectNoEndpoint() {
        Rule r = ccnp("""
                nodeSelector: {matchLabels: {node-role.kubernetes.io/control-plane: ""}}
                ingress: [{fromEntities: [cluster]}]
                """);
        assertThat(r.endpointSelector()).isEqualTo(CiliumPolicyParser.SELECTS_NOTHING);
        assertThat(r.endpointSelector().matches(Labels.EMPTY)).isFalse();
        assertThat(r.endpointSelector().matches(Labels.of(Label.reserved("host")))).isFalse();
        assertThat(r.ingress().getFirst().peers()).containsExactly(new Peer.EntityPeer(Entity.CLUSTER));
    }

    @Test
    void clusterwideSubjectsAreNotScoped() {
        Rule r = ccnp("""
                endpointSelector: {matchLabels: {"k8s:io.kubernetes.pod.namespace": kube-system, k8s-app: kube-dns}}
                ingress: [{}]
                """);
        assertThat(r.endpointSelector()).hasToString("{any:k8s-app=kube-dns,k8s:io.kubernetes.pod.namespace=kube-system}");
        assertThat(r.origin().namespace()).isNull();
    }
}
