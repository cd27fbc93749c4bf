// SPDX-License-Identifier: Apache-2.0
package dev.porin.k8s;

import dev.porin.k8s.Resource.NamespaceResource;
import dev.porin.k8s.Resource.PodResource;
import dev.porin.k8s.Resource.PodResource.NamedPort;
import dev.porin.k8s.Resource.PolicyResource;
import dev.porin.policy.api.PolicyKind;
import dev.porin.policy.api.PolicyValidationException;
import dev.porin.policy.api.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Files, documents, kinds and metadata; Namespaces and Pods. */
class ResourceParserTest {

    private static final String CNP = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: allow-app-to-db}
            spec:
              endpointSelector: {matchLabels: {app: db}}
              ingress: [{fromEndpoints: [{matchLabels: {app: app}}]}]
            """;

    private static PolicyValidationException error(String yaml) {
        var e = catchThrowableOfType(PolicyValidationException.class, () -> ResourceParser.parse(yaml, "f.yaml"));
        assertThat(e).as("expected the file to be refused").isNotNull();
        return e;
    }

    @Test
    void documentsInOrderSkippingEmptyOnes() {
        List<Resource> resources = ResourceParser.parse("""
                # leading comment
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: prod, labels: {team: a}}
                ---
                ---
                # nothing here
                ---
                """ + CNP + """
                ---
                apiVersion: cilium.io/v2
                kind: CiliumClusterwideNetworkPolicy
                metadata: {name: cluster, namespace: ignored}
                spec: {endpointSelector: {}, ingress: [{}]}
                ---
                """, "f.yaml");
        assertThat(resources).extracting(Resource::key).containsExactly(
                new ResourceKey("Namespace", null, "prod"),
                new ResourceKey("CiliumNetworkPolicy", "default", "allow-app-to-db"),
                new ResourceKey("CiliumClusterwideNetworkPolicy", null, "cluster"));
        assertThat(resources.get(1).key()).hasToString("CiliumNetworkPolicy default/allow-app-to-db");
        assertThat(ResourceParser.parse("", "empty.yaml")).isEmpty();
        assertThat(ResourceParser.parse("# only a comment\n", "c.yaml")).isEmpty();
    }

    @Test
    void policyResourcesKeepTheObjectAsWritten() {
        var policy = (PolicyResource) ResourceParser.parse(CNP, "f.yaml").getFirst();
        assertThat(policy.origin().kind()).isEqualTo(PolicyKind.CILIUM_NETWORK_POLICY);
        assertThat(policy.rules()).hasSize(1);
        assertThat(policy.document().get("spec").get("endpointSelector").get("matchLabels").get("app").stringValue())
                .isEqualTo("db");
        assertThat(policy.document().get("metadata").has("namespace")).isFalse();
    }

    @Test
    void errorsNameTheDocumentTheFieldAndTheReason() {
        var e = error(CNP + """
                ---
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: allow-app-to-db, namespace: default}
                spec:
                  endpointSelector: {}
                  ingress:
                  - toPorts:
                    - ports: [{port: "80"}, {port: "eighty thousand"}]
                """);
        assertThat(e.document()).isEqualTo("CiliumNetworkPolicy default/allow-app-to-db (document 2 of f.yaml)");
        assertThat(e.field()).isEqualTo("spec.ingress[0].toPorts[0].ports[1].port");
        assertThat(e.reason()).startsWith("\"eighty thousand\" is neither a port number");
        assertThat(e).hasMessage(e.document() + ": " + e.field() + ": " + e.reason());
    }

    @Test
    void listsAreUnpacked() {
        List<Resource> resources = ResourceParser.parse("""
                apiVersion: v1
                kind: List
                items:
                - {apiVersion: v1, kind: Namespace, metadata: {name: a}}
                - {apiVersion: v1, kind: Namespace, metadata: {name: b}}
                """, "f.yaml");
        assertThat(resources).extracting(r -> r.key().name()).containsExactly("a", "b");
        var e = error("""
                apiVersion: v1
                kind: List
                items:
                - {apiVersion: v1, kind: Namespace, metadata: {name: a}}
                - {apiVersion: v1, kind: Namespace, metadata: {name: B}}
                """);
        assertThat(e.document()).isEqualTo("Namespace B (item 2 of document 1 of f.yaml)");
        assertThat(e.field()).isEqualTo("metadata.name");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {apiVersion: v1, kind: Secret, metadata: {name: s}}                          | Secret s (document 1 of f.yaml)   | kind       | Secret (v1) is not a kind Porin handles
            {apiVersion: cilium.io/v2alpha1, kind: CiliumCIDRGroup, metadata: {name: g}} | CiliumCIDRGroup g (document 1 of f.yaml) | kind | CiliumCIDRGroup (cilium.io/v2alpha1) is not a kind Porin handles
            {apiVersion: networking.k8s.io/v1beta1, kind: NetworkPolicy, metadata: {name: n}} | NetworkPolicy default/n (document 1 of f.yaml) | apiVersion | apiVersion networking.k8s.io/v1beta1 is not supported for NetworkPolicy; expected networking.k8s.io/v1
            {apiVersion: v1, metadata: {name: x}}                                        | document 1 of f.yaml              | kind       | is required
            {apiVersion: v1, kind: Pod}                                                  | Pod (document 1 of f.yaml)        | metadata   | is required
            {apiVersion: v1, kind: Pod, metadata: {namespace: x}}                        | Pod (document 1 of f.yaml)        | metadata.name | is required
            {apiVersion: v1, kind: Pod, metadata: {name: Web_1}}                         | Pod default/Web_1 (document 1 of f.yaml) | metadata.name | "Web_1" must be a DNS subdomain
            {apiVersion: v1, kind: Namespace, metadata: {name: a.b}}                     | Namespace a.b (document 1 of f.yaml) | metadata.name | "a.b" must be a DNS label
            {apiVersion: v1, kind: Pod, metadata: {name: p, namespace: Prod}}            | Pod Prod/p (document 1 of f.yaml) | metadata.namespace | "Prod" must be a DNS label
            {apiVersion: v1, kind: Pod, metadata: {name: p, labels: {app: "a b"}}}       | Pod default/p (document 1 of f.yaml) | metadata.labels["app"] | "a b" must be a label value
            {apiVersion: v1, kind: Pod, metadata: {name: p, nme: q}}                     | Pod default/p (document 1 of f.yaml) | metadata.nme | unknown field "nme"
            {apiVersion: v1, kind: Pod, metadata: {name: p}, extra: 1}                   | Pod default/p (document 1 of f.yaml) | extra | unknown field "extra"
            [1, 2]                                                                       | document 1 of f.yaml              | (document) | must be a mapping
            """)
    void kindsApiVersionsAndMetadataAreChecked(String yaml, String document, String field, String reason) {
        var e = error(yaml);
        assertThat(e.document()).isEqualTo(document);
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.reason()).startsWith(reason);
    }

    @Test
    void aFileIsAcceptedWholeOrNotAtAll() {
        var e = error("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: fine}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: fine, name: twice}
                """);
        assertThat(e.document()).isEqualTo("document 2 of f.yaml");
        assertThat(e.field()).isEqualTo("(document)");
        assertThat(e.reason()).contains("Duplicate").contains("line 7");
        var syntax = error("apiVersion: v1\nkind: [Namespace\n");
        assertThat(syntax.reason()).startsWith("is not valid YAML");
    }

    @Test
    void anchorsAndStrayMetadataDescriptionAreAccepted() {
        List<Resource> resources = ResourceParser.parse("""
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata:
                  name: allow-cross-cluster
                  description: "Allow x-wing in cluster1 to contact rebel-base in cluster2"
                spec:
                  endpointSelector: &sel {matchLabels: {name: x-wing}}
                  egress: [{toEndpoints: [*sel]}]
                """, "f.yaml");
        var rule = ((PolicyResource) resources.getFirst()).rules().getFirst();
        assertThat(rule.egress().getFirst().peers()).hasSize(1);
    }

    @Test
    void namespacesCarryTheirNameLabel() {
        var ns = (NamespaceResource) ResourceParser.parse("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: prod, labels: {faction: alliance}}
                spec: {finalizers: [kubernetes]}
                status: {phase: Active}
                """, "f.yaml").getFirst();
        assertThat(ns.labels()).isEqualTo(Map.of("faction", "alliance", "kubernetes.io/metadata.name", "prod"));
    }

    @Test
    void podsGiveLabelsServiceAccountAndNamedPorts() {
        var pod = (PodResource) ResourceParser.parse("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: echo
                  namespace: cilium-test
                  labels: {kind: echo, app.kubernetes.io/name: echo}
                spec:
                  serviceAccountName: echo-sa
                  nodeName: node-a
                  containers:
                  - name: server
                    image: echo:1
                    ports:
                    - {name: http-8080, containerPort: 8080}
                    - {containerPort: 9090}
                    - {name: dns-53, containerPort: 53, protocol: UDP}
                status: {podIP: 10.0.0.7}
                """, "f.yaml").getFirst();
        assertThat(pod.key()).isEqualTo(new ResourceKey("Pod", "cilium-test", "echo"));
        assertThat(pod.labels()).containsEntry("app.kubernetes.io/name", "echo");
        assertThat(pod.serviceAccount()).isEqualTo("echo-sa");
        assertThat(pod.ports()).containsExactly(new NamedPort("http-8080", 8080, Protocol.TCP),
                new NamedPort("dns-53", 53, Protocol.UDP));

        var plain = (PodResource) ResourceParser.parse("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n", "f.yaml")
                .getFirst();
        assertThat(plain.serviceAccount()).isEqualTo("default");
        assertThat(plain.namespace()).isEqualTo("default");
        assertThat(plain.ports()).isEmpty();
    }

    @Test
    void podPortsAreChecked() {
        var name = error("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec: {containers: [{name: c, ports: [{containerPort: 80}, {name: HTTP, containerPort: 81}]}]}
                """);
        assertThat(name.field()).isEqualTo("spec.containers[0].ports[1].name");
        var number = error("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec: {containers: [{name: c, ports: [{containerPort: 0}]}]}
                """);
        assertThat(number.field()).isEqualTo("spec.containers[0].ports[0].containerPort");
    }
}
