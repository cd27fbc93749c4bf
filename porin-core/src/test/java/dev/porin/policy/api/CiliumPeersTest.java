// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.porin.policy.api.Fixtures.ccnp;
import static dev.porin.policy.api.Fixtures.ccnpError;
import static dev.porin.policy.api.Fixtures.cnp;
import static dev.porin.policy.api.Fixtures.cnpError;
import static org.assertj.core.api.Assertions.assertThat;

/** L3 peers of Cilium rule elements: presence semantics, validation, namespace scoping and requires. */
class CiliumPeersTest {

    private static String selector(PeerRule element, int peer) {
        return ((Peer.Endpoints) element.peers().get(peer)).selector().toString();
    }

    @Test
    void anElementWithoutL3FieldsAppliesToAnyPeer() {
        Rule r = cnp("""
                endpointSelector: {}
                ingress:
                - {}
                - toPorts: [{ports: [{port: "80", protocol: TCP}]}]
                """);
        assertThat(r.ingress()).allSatisfy(e -> {
            assertThat(e.anyPeer()).isTrue();
            assertThat(e.peers()).isEmpty();
        });
        assertThat(r.ingress().get(0).allPortsAndProtocols()).isTrue();
    }

    @Test
    void anEmptyL3ListSelectsNobody() {
        Rule r = cnp("""
                endpointSelector: {}
                egress:
                - toEndpoints: []
                - toEndpoints: []
                  toCIDR: [10.0.0.0/8]
                """);
        assertThat(r.egress().get(0).anyPeer()).isFalse();
        assertThat(r.egress().get(0).peers()).isEmpty();
        assertThat(r.egress().get(1).peers()).containsExactly(new Peer.Cidr("10.0.0.0/8", List.of()));
    }

    @Test
    void entityAllIsAnyPeerAndOtherEntitiesAreListed() {
        Rule r = cnp("""
                endpointSelector: {}
                egressDeny:
                - toEntities: [all]
                ingress:
                - fromEntities: [host, remote-node, kube-apiserver, world]
                """);
        assertThat(r.egressDeny().getFirst().anyPeer()).isTrue();
        assertThat(r.ingress().getFirst().peers()).extracting(p -> ((Peer.EntityPeer) p).entity())
                .containsExactly(Entity.HOST, Entity.REMOTE_NODE, Entity.KUBE_APISERVER, Entity.WORLD);
    }

    @Test
    void unknownEntityIsNamed() {
        var e = cnpError("""
                endpointSelector: {}
                ingress:
                - fromEntities: [host, everything]
                """);
        assertThat(e.field()).isEqualTo("spec.ingress[0].fromEntities[1]");
        assertThat(e.reason()).contains("unknown entity 'everything'");
    }

    @Test
    void oneL3PeerKindPerElement() {
        var e = cnpError("""
                endpointSelector: {}
                ingress:
                - fromEndpoints: [{}]
                  fromCIDR: [10.0.0.0/8]
                """);
        assertThat(e.field()).isEqualTo("spec.ingress[0]");
        assertThat(e.reason()).startsWith("combining fromEndpoints and fromCIDR is not supported");
        var fqdn = cnpError("""
                endpointSelector: {}
                egress:
                - toEndpoints: [{}]
                  toFQDNs: [{matchName: example.com}]
                """);
        assertThat(fqdn.reason()).startsWith("combining toEndpoints and toFQDNs is not supported");
    }

    @Test
    void cnpPinsPeersToItsNamespaceUnlessTheyChooseOne() {
        Rule r = cnp("""
                endpointSelector: {}
                ingress:
                - fromEndpoints:
                  - {}
                  - matchLabels: {role: frontend}
                  - matchLabels: {k8s:io.kubernetes.pod.namespace: ns2, name: luke}
                  - matchExpressions: [{key: io.kubernetes.pod.namespace, operator: Exists}]
                  - matchLabels: {io.cilium.k8s.namespace.labels.faction: alliance}
                  - matchLabels: {"reserved:host": ""}
                """);
        PeerRule e = r.ingress().getFirst();
        assertThat(selector(e, 0)).isEqualTo("{k8s:io.kubernetes.pod.namespace=ns1}");
        assertThat(selector(e, 1)).isEqualTo("{any:role=frontend,k8s:io.kubernetes.pod.namespace=ns1}");
        assertThat(selector(e, 2)).isEqualTo("{any:name=luke,k8s:io.kubernetes.pod.namespace=ns2}");
        assertThat(selector(e, 3)).isEqualTo("{any:io.kubernetes.pod.namespace}");
        assertThat(selector(e, 4)).isEqualTo("{any:io.cilium.k8s.namespace.labels.faction=alliance}");
        assertThat(selector(e, 5)).isEqualTo("{reserved:host=}");
    }

    @Test
    void cnpSubjectAlwaysAppliesInItsOwnNamespace() {
        Rule r = cnp("""
                endpointSelector:
                  matchLabels: {k8s:io.kubernetes.pod.namespace: other, app: db}
                ingress: [{}]
                """);
        assertThat(r.endpointSelector()).hasToString("{any:app=db,k8s:io.kubernetes.pod.namespace=ns1}");
    }

    @Test
    void ccnpPeersMustBePodsUnlessReservedOrSubjectIsInit() {
        Rule r = ccnp("""
                endpointSelector: {matchLabels: {app: dns}}
                ingress:
                - fromEndpoints:
                  - {}
                  - matchLabels: {io.kubernetes.pod.namespace: ns2}
                  - matchLabels: {"reserved:health": ""}
                """);
        assertThat(r.endpointSelector()).hasToString("{any:app=dns}");
        PeerRule e = r.ingress().getFirst();
        assertThat(selector(e, 0)).isEqualTo("{k8s:io.kubernetes.pod.namespace}");
        assertThat(selector(e, 1)).isEqualTo("{any:io.kubernetes.pod.namespace=ns2}");
        assertThat(selector(e, 2)).isEqualTo("{reserved:health=}");

        Rule init = ccnp("""
                endpointSelector: {matchLabels: {"reserved:init": ""}}
                egress:
                - toEndpoints: [{matchLabels: {app: dns}}]
                """);
        assertThat(selector(init.egress().getFirst(), 0)).isEqualTo("{any:app=dns}");
    }

    @Test
    void requiresConstrainEveryEndpointSelectorOfTheSameList() {
        Rule r = cnp("""
                endpointSelector: {matchLabels: {env: prod}}
                ingress:
                - fromEndpoints: [{matchLabels: {role: frontend}}]
                - fromRequires: [{matchLabels: {env: prod}}]
                - fromCIDR: [192.0.2.0/24]
                ingressDeny:
                - fromEndpoints: [{matchLabels: {role: intruder}}]
                egress:
                - toRequires: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": ns2}}]
                - toEndpoints: [{}]
                """);
        assertThat(selector(r.ingress().get(0), 0))
                .isEqualTo("{any:env=prod,any:role=frontend,k8s:io.kubernetes.pod.namespace=ns1}");
        assertThat(r.ingress().get(1).anyPeer()).isFalse();
        assertThat(r.ingress().get(1).peers()).isEmpty();
        assertThat(r.ingress().get(2).peers()).containsExactly(new Peer.Cidr("192.0.2.0/24", List.of()));
        assertThat(selector(r.ingressDeny().getFirst(), 0))
                .isEqualTo("{any:role=intruder,k8s:io.kubernetes.pod.namespace=ns1}");
        assertThat(selector(r.egress().get(1), 0))
                .isEqualTo("{k8s:io.kubernetes.pod.namespace=ns1,k8s:io.kubernetes.pod.namespace=ns2}");
    }

    @Test
    void cidrsAcceptBareAddressesAsHostPrefixes() {
        Rule r = cnp("""
                endpointSelector: {}
                egress:
                - toCIDR: [20.1.1.1, "2001:db8::1", 10.0.0.0/8, "::/0"]
                """);
        assertThat(r.egress().getFirst().peers()).extracting(p -> ((Peer.Cidr) p).cidr())
                .containsExactly("20.1.1.1/32", "2001:db8::1/128", "10.0.0.0/8", "::/0");
        var e = cnpError("""
                endpointSelector: {}
                egress:
                - toCIDR: [10.0.0.0/33]
                """);
        assertThat(e.field()).isEqualTo("spec.egress[0].toCIDR[0]");
        assertThat(e.reason()).contains("invalid prefix length");
    }

    @Test
    void cidrSetExceptionsMustLieInsideTheirCidr() {
        Rule r = cnp("""
                endpointSelector: {}
                egress:
                - toCIDRSet:
                  - cidr: 10.0.0.0/8
                    except: [10.96.0.0/12, 10.0.0.1/32]
                  - cidr: "2606:4700:4700::/96"
                    except: ["2606:4700:4700::1001/128"]
                """);
        assertThat(r.egress().getFirst().peers()).containsExactly(
                new Peer.Cidr("10.0.0.0/8", List.of("10.96.0.0/12", "10.0.0.1/32")),
                new Peer.Cidr("2606:4700:4700::/96", List.of("2606:4700:4700::1001/128")));
        var outside = cnpError("""
                endpointSelector: {}
                egressDeny:
                - toCIDRSet:
                  - cidr: 10.0.0.0/8
                    except: [10.1.0.0/16, 11.0.0.0/16]
                """);
        assertThat(outside.field()).isEqualTo("spec.egressDeny[0].toCIDRSet[0].except[1]");
        assertThat(outside.reason()).isEqualTo("\"11.0.0.0/16\" does not lie inside cidr \"10.0.0.0/8\"");
        var family = cnpError("""
                endpointSelector: {}
                egress:
                - toCIDRSet: [{cidr: 10.0.0.0/8, except: ["::1/128"]}]
                """);
        assertThat(family.field()).isEqualTo("spec.egress[0].toCIDRSet[0].except[0]");
        var bare = cnpError("""
                endpointSelector: {}
                egress:
                - toCIDRSet: [{cidr: 10.0.0.1}]
                """);
        assertThat(bare.field()).isEqualTo("spec.egress[0].toCIDRSet[0].cidr");
        assertThat(bare.reason()).contains("is not a CIDR prefix");
    }

    @Test
    void cidrGroupsAreRefusedClearly() {
        var e = cnpError("""
                endpointSelector: {}
                egressDeny:
                - toCIDRSet: [{cidrGroupRef: external, except: [1.1.1.1/32]}]
                """);
        assertThat(e.field()).isEqualTo("spec.egressDeny[0].toCIDRSet[0].cidrGroupRef");
        assertThat(e.reason()).contains("CiliumCIDRGroup references are not supported");
        var both = cnpError("""
                endpointSelector: {}
                egress:
                - toCIDRSet: [{cidr: 10.0.0.0/8, cidrGroupRef: external}]
                """);
        assertThat(both.field()).isEqualTo("spec.egress[0].toCIDRSet[0]");
        assertThat(both.reason()).isEqualTo("needs exactly one of cidr, cidrGroupRef and cidrGroupSelector, "
                + "not cidr and cidrGroupRef");
    }

    @Test
    void servicesByNameOrSelector() {
        Rule r = cnp("""
                endpointSelector: {matchLabels: {id: app2}}
                egress:
                - toServices:
                  - k8sService: {serviceName: myservice, namespace: default}
                  - k8sServiceSelector: {selector: {matchLabels: {external: "yes"}}}
                """);
        assertThat(r.egress().getFirst().peers()).hasSize(2);
        assertThat(r.egress().getFirst().peers().getFirst()).isEqualTo(new Peer.Service("myservice", null, "default"));
        Peer.Service bySelector = (Peer.Service) r.egress().getFirst().peers().get(1);
        assertThat(bySelector.selector()).hasToString("{any:external=yes}");
        assertThat(bySelector.namespace()).isNull();
        var ingress = cnpError("""
                endpointSelector: {}
                ingress:
                - toServices: [{k8sService: {serviceName: x}}]
                """);
        assertThat(ingress.field()).isEqualTo("spec.ingress[0].toServices");
        assertThat(ingress.reason()).isEqualTo("toServices is only allowed in egress rules");
    }

    @Test
    void fqdnsAreEgressAllowOnly() {
        Rule r = cnp("""
                endpointSelector: {}
                egress:
                - toFQDNs: [{matchName: api.github.com}, {matchPattern: "*.github.com"}, {matchPattern: "**.cilium.io"}]
                """);
        assertThat(r.egress().getFirst().peers()).containsExactly(
                new Peer.Fqdn(new FqdnSelector("api.github.com", null)),
                new Peer.Fqdn(new FqdnSelector(null, "*.github.com")),
                new Peer.Fqdn(new FqdnSelector(null, "**.cilium.io")));
        var deny = cnpError("""
                endpointSelector: {}
                egressDeny:
                - toFQDNs: [{matchName: example.com}]
                """);
        assertThat(deny.field()).isEqualTo("spec.egressDeny[0].toFQDNs");
        assertThat(deny.reason()).isEqualTo("deny rules cannot use toFQDNs");
        var both = cnpError("""
                endpointSelector: {}
                egress:
                - toFQDNs: [{matchName: a.com, matchPattern: "*.a.com"}]
                """);
        assertThat(both.field()).isEqualTo("spec.egress[0].toFQDNs[0]");
        var bad = cnpError("""
                endpointSelector: {}
                egress:
                - toFQDNs: [{matchName: "a..com"}]
                """);
        assertThat(bad.field()).isEqualTo("spec.egress[0].toFQDNs[0].matchName");
    }

    @Test
    void nodesAndGroups() {
        Rule r = cnp("""
                endpointSelector: {}
                ingress:
                - fromNodes: [{matchLabels: {node-role.kubernetes.io/control-plane: ""}}]
                egress:
                - toGroups: [{aws: {securityGroupsIds: [sg-1], region: eu-west-1}}]
                """);
        assertThat(((Peer.Nodes) r.ingress().getFirst().peers().getFirst()).selector())
                .hasToString("{any:node-role.kubernetes.io/control-plane=}");
        assertThat(r.egress().getFirst().peers()).containsExactly(new Peer.Group("aws"));
    }

    @Test
    void unknownFieldsAndBadAuthenticationAreNamed() {
        var e = cnpError("""
                endpointSelector: {}
                ingress:
                - fromEndpont: [{}]
                """);
        assertThat(e.field()).isEqualTo("spec.ingress[0].fromEndpont");
        assertThat(e.reason()).startsWith("unknown field \"fromEndpont\"; expected one of fromEndpoints,");
        var auth = cnpError("""
                endpointSelector: {}
                egress:
                - toEndpoints: [{}]
                  authentication: {mode: sometimes}
                """);
        assertThat(auth.field()).isEqualTo("spec.egress[0].authentication.mode");
        var denyAuth = cnpError("""
                endpointSelector: {}
                ingressDeny:
                - authentication: {mode: required}
                """);
        assertThat(denyAuth.reason()).isEqualTo("deny rules take no authentication");
    }

    @Test
    void selectorSyntaxIsChecked() {
        Rule lowerCaseIn = cnp("""
                endpointSelector: {}
                ingress:
                - fromEndpoints:
                  - matchExpressions: [{key: "k8s:io.kubernetes.pod.namespace", operator: "in", values: [production]}]
                """);
        assertThat(selector(lowerCaseIn.ingress().getFirst(), 0)).isEqualTo("{k8s:io.kubernetes.pod.namespace=production}");
        var operator = cnpError("""
                endpointSelector:
                  matchExpressions: [{key: app, operator: Equals, values: [x]}]
                ingress: [{}]
                """);
        assertThat(operator.field()).isEqualTo("spec.endpointSelector.matchExpressions[0].operator");
        var values = cnpError("""
                endpointSelector: {}
                ingress:
                - fromEndpoints: [{matchExpressions: [{key: app, operator: In}]}]
                """);
        assertThat(values.field()).isEqualTo("spec.ingress[0].fromEndpoints[0].matchExpressions[0].values");
        var exists = cnpError("""
                endpointSelector:
                  matchExpressions: [{key: app, operator: Exists, values: [x]}]
                ingress: [{}]
                """);
        assertThat(exists.reason()).isEqualTo("must be empty for operator Exists");
        var key = cnpError("""
                endpointSelector: {}
                ingress:
                - fromEndpoints: [{matchLabels: {"bad key": x}}]
                """);
        assertThat(key.field()).isEqualTo("spec.ingress[0].fromEndpoints[0].matchLabels[\"bad key\"]");
        var source = cnpError("""
                endpointSelector: {matchLabels: {"a:b:c": x}}
                ingress: [{}]
                """);
        assertThat(source.reason()).contains("more than one ':'");
        var value = ccnpError("""
                endpointSelector: {matchLabels: {app: "not ok"}}
                ingress: [{}]
                """);
        assertThat(value.field()).isEqualTo("spec.endpointSelector.matchLabels[\"app\"]");
        var number = cnpError("""
                endpointSelector: {matchLabels: {version: 2}}
                ingress: [{}]
                """);
        assertThat(number.reason()).isEqualTo("must be a string, not the number 2");
    }
}
