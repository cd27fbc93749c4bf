// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e;

import dev.porin.api.v1.EndpointPolicyModel;
import dev.porin.api.v1.TraceModel;
import dev.porin.api.v1.TraceRequest;
import dev.porin.e2e.harness.PolicyWorld;
import dev.porin.e2e.harness.Reachability.Cell;
import dev.porin.e2e.harness.Tcp;
import dev.porin.e2e.harness.Udp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kubernetes NetworkPolicy and Cilium policy semantics, end to end. The world is namespaces x, y and z
 * (labelled {@code ns=<name>}) with pods a, b and c in each (labelled {@code pod=<name>}), all serving TCP
 * and UDP on ports 80 and 81. Each test applies one policy file, probes every pod pair on every port and
 * protocol, and compares the whole matrix with the one the policy's documented semantics give. After each
 * test every policy is deleted and the matrix must be all-allowed again.
 *
 * <p>Some pods have Pod objects: those of namespace y are applied before the pods start (with named ports,
 * y/b with service account {@code backend} and label {@code tier=backend}); those of namespace x only in
 * the named-port test, after their pods run.
 */
class NetworkPolicyMatrixIT {

    /** Pod objects for namespace y, applied before its pods are attached. */
    private static final String PODS_Y = """
            apiVersion: v1
            kind: Pod
            metadata: {name: a, namespace: y, labels: {pod: a}}
            spec:
              containers:
              - name: main
                ports:
                - {name: web, containerPort: 81}
                - {name: dgram, containerPort: 80, protocol: UDP}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: b, namespace: y, labels: {pod: b, tier: backend}}
            spec:
              serviceAccountName: backend
              containers:
              - name: main
                ports:
                - {name: web, containerPort: 81}
                - {name: dgram, containerPort: 80, protocol: UDP}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: c, namespace: y, labels: {pod: c}}
            spec:
              containers:
              - name: main
                ports:
                - {name: web, containerPort: 81}
                - {name: dgram, containerPort: 80, protocol: UDP}
            """;

    private static PolicyWorld world;

    @BeforeAll
    static void start() {
        world = PolicyWorld.start(PODS_Y);
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            System.out.println("NetworkPolicyMatrixIT: matrices that needed a repeated probe: " + world.retriedMatrices());
            world.close();
        }
    }

    @AfterEach
    void deleteEverything() {
        world.deleteAllPolicies();
        world.assertReachability("after deleting every policy", c -> true);
    }

    /** Applies {@code yaml} as {@code name}.yaml and checks the whole matrix against {@code expected}. */
    private static void check(String name, String yaml, Predicate<Cell> expected) {
        world.apply(name + ".yaml", yaml);
        world.assertReachability(name, expected);
    }

    private static EndpointPolicyModel.Enforcement enforcement(String pod) {
        return world.agent().client().get("/v1/endpoint/" + world.endpointId(pod) + "/policy",
                EndpointPolicyModel.class).enforcement();
    }

    // ---- Kubernetes NetworkPolicy: isolation

    @Test
    void defaultDenyIngress() {
        check("deny-ingress-x", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-ingress, namespace: x}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress]
                """, c -> !c.toNs("x"));
        assertThat(world.ping("y/a", "x/a")).as("ping y/a -> x/a under default deny").isFalse();
        assertThat(world.ping("x/a", "y/a")).as("ping x/a -> y/a: egress is not isolated").isTrue();
    }

    @Test
    void defaultDenyEgress() {
        check("deny-egress-x", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-egress, namespace: x}
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                """, c -> !c.fromNs("x"));
        assertThat(world.ping("x/a", "y/a")).as("ping x/a -> y/a under default deny egress").isFalse();
        assertThat(world.pod("x/a").ping(world.gateway())).as("ping x/a -> the node under default deny egress").isFalse();
    }

    @Test
    void allowAllIngressIsolatesButAllowsEverything() {
        check("allow-all-ingress-x", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: allow-all, namespace: x}
                spec:
                  podSelector: {}
                  ingress:
                  - {}
                """, c -> true);
        assertThat(enforcement("x/a").ingress()).as("x/a ingress enforced").isTrue();
        assertThat(enforcement("y/a").ingress()).as("y/a ingress enforced").isFalse();
    }

    // ---- Kubernetes NetworkPolicy: peers

    @Test
    void ingressFromNamespace() {
        check("from-ns-y", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: from-ns-y, namespace: x}
                spec:
                  podSelector:
                    matchLabels: {pod: a}
                  ingress:
                  - from:
                    - namespaceSelector:
                        matchLabels: {ns: y}
                """, c -> !c.to("x/a") || c.fromNs("y"));
        assertThat(world.ping("y/b", "x/a")).as("ping y/b -> x/a: an L3-only allow allows ICMP").isTrue();
        assertThat(world.ping("z/b", "x/a")).as("ping z/b -> x/a").isFalse();
    }

    @Test
    void ingressFromPodInNamespace() {
        check("from-y-b", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: from-y-b, namespace: x}
                spec:
                  podSelector:
                    matchLabels: {pod: a}
                  ingress:
                  - from:
                    - namespaceSelector:
                        matchLabels: {ns: y}
                      podSelector:
                        matchLabels: {pod: b}
                """, c -> !c.to("x/a") || c.from("y/b"));
    }

    @Test
    void ingressFromPodOfTheSameNamespace() {
        check("from-pod-b", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: from-pod-b, namespace: x}
                spec:
                  podSelector:
                    matchLabels: {pod: a}
                  ingress:
                  - from:
                    - podSelector:
                        matchLabels: {pod: b}
                """, c -> !c.to("x/a") || c.from("x/b"));
    }

    @Test
    void twoPeersAreOred() {
        check("from-ns-y-or-pod-c", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: from-ns-y-or-pod-c, namespace: x}
                spec:
                  podSelector:
                    matchLabels: {pod: a}
                  ingress:
                  - from:
                    - namespaceSelector:
                        matchLabels: {ns: y}
                    - podSelector:
                        matchLabels: {pod: c}
                """, c -> !c.to("x/a") || c.fromNs("y") || c.from("x/c"));
    }

    @Test
    void matchExpressionsInNotInExists() {
        check("expressions", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: expressions, namespace: x}
                spec:
                  podSelector:
                    matchExpressions:
                    - {key: pod, operator: In, values: [a, b]}
                  ingress:
                  - from:
                    - namespaceSelector:
                        matchExpressions:
                        - {key: ns, operator: NotIn, values: [y]}
                      podSelector:
                        matchExpressions:
                        - {key: pod, operator: Exists}
                """, c -> !(c.to("x/a") || c.to("x/b")) || !c.fromNs("y"));
    }

    @Test
    void egressToAnyNamespaceOnOneUdpPort() {
        check("egress-udp-80", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: egress-udp-80, namespace: x}
                spec:
                  podSelector:
                    matchLabels: {pod: a}
                  policyTypes: [Egress]
                  egress:
                  - to:
                    - namespaceSelector: {}
                    ports:
                    - {protocol: UDP, port: 80}
                """, c -> !c.from("x/a") || c.is("80/UDP"));
    }

    // ---- Kubernetes NetworkPolicy: ports

    @Test
    void port80Only() {
        check("port-80-x", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: port-80, namespace: x}
                spec:
                  podSelector: {}
                  ingress:
                  - ports:
                    - port: 80
                """, c -> !c.toNs("x") || c.is("80/TCP"));
        assertThat(world.ping("y/a", "x/a")).as("ping y/a -> x/a: an L4 rule leaves ICMP denied").isFalse();
    }

    @Test
    void portRangeWithEndPort() {
        check("range-80-81-x", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: range, namespace: x}
                spec:
                  podSelector: {}
                  ingress:
                  - ports:
                    - {protocol: TCP, port: 80, endPort: 81}
                """, c -> !c.toNs("x") || c.tcp());
    }

    @Test
    void protocolUdpOnly() {
        check("udp-only-x", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: udp-only, namespace: x}
                spec:
                  podSelector: {}
                  ingress:
                  - ports:
                    - protocol: UDP
                """, c -> !c.toNs("x") || c.udp());
    }

    /**
     * {@code web} is 80/TCP on x's pods (Pod objects applied now, after the pods and the policy) and 81/TCP on
     * y's (applied before the pods started); z's pods have no Pod object, so no named port at all.
     */
    @Test
    void namedPortsResolvePerDestinationPod() {
        String podsX = """
                apiVersion: v1
                kind: Pod
                metadata: {name: a, namespace: x, labels: {pod: a}}
                spec:
                  containers:
                  - name: main
                    ports:
                    - {name: web, containerPort: 80}
                    - {name: dgram, containerPort: 81, protocol: UDP}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: b, namespace: x, labels: {pod: b}}
                spec:
                  containers:
                  - name: main
                    ports:
                    - {name: web, containerPort: 80}
                    - {name: dgram, containerPort: 81, protocol: UDP}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: c, namespace: x, labels: {pod: c}}
                spec:
                  containers:
                  - name: main
                    ports:
                    - {name: web, containerPort: 80}
                    - {name: dgram, containerPort: 81, protocol: UDP}
                """;
        StringBuilder policy = new StringBuilder();
        for (String ns : PolicyWorld.NAMESPACES) {
            policy.append("""
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: named-ports, namespace: %s}
                    spec:
                      podSelector: {}
                      ingress:
                      - ports:
                        - port: web
                        - {port: dgram, protocol: UDP}
                    ---
                    """.formatted(ns));
        }
        try {
            check("named-ports", policy.toString(), c -> c.toNs("y") && (c.is("81/TCP") || c.is("80/UDP")));
            world.apply("pods-x.yaml", podsX);
            world.assertReachability("named ports with x's Pod objects", c ->
                    c.toNs("x") && (c.is("80/TCP") || c.is("81/UDP"))
                            || c.toNs("y") && (c.is("81/TCP") || c.is("80/UDP")));
        } finally {
            world.delete("pods-x.yaml", podsX);
        }
    }

    /** {@code "80x"} is a legal port name (it has a letter), not a bad number; no pod has such a port. */
    @Test
    void aPortNameThatStartsWithDigitsIsANamedPort() {
        check("port-80x", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: port-80x, namespace: x}
                spec:
                  podSelector: {}
                  ingress:
                  - ports:
                    - port: "80x"
                """, c -> !c.toNs("x"));
    }

    // ---- Kubernetes NetworkPolicy: egress and both directions

    @Test
    void egressToNamespace() {
        check("egress-to-y", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: egress-to-y, namespace: x}
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                  - to:
                    - namespaceSelector:
                        matchLabels: {ns: y}
                """, c -> !c.fromNs("x") || c.toNs("y"));
    }

    /** policyTypes [Egress]: the ingress section is ignored, so y/a's ingress stays open. */
    @Test
    void egressOnlyPolicyTypesIgnoreIngressRules() {
        check("egress-only-y-a", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: egress-only, namespace: y}
                spec:
                  podSelector:
                    matchLabels: {pod: a}
                  policyTypes: [Egress]
                  ingress:
                  - from:
                    - podSelector:
                        matchLabels: {pod: c}
                  egress:
                  - to:
                    - podSelector:
                        matchLabels: {pod: b}
                    ports:
                    - port: 81
                """, c -> !c.from("y/a") || c.to("y/b") && c.is("81/TCP"));
        assertThat(enforcement("y/a").ingress()).as("y/a ingress enforced").isFalse();
    }

    @Test
    void bothDirections() {
        check("both-z-a", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: both, namespace: z}
                spec:
                  podSelector:
                    matchLabels: {pod: a}
                  policyTypes: [Ingress, Egress]
                  ingress:
                  - from:
                    - namespaceSelector:
                        matchLabels: {ns: x}
                  egress:
                  - to:
                    - podSelector:
                        matchLabels: {pod: b}
                """, c -> (!c.to("z/a") || c.fromNs("x")) && (!c.from("z/a") || c.to("z/b")));
    }

    // ---- Kubernetes NetworkPolicy: ipBlock

    /** Pods are never selected by CIDR, even when the block holds their addresses. */
    @Test
    void ipBlockCoveringThePodCidrAllowsNoPod() {
        check("ipblock-pods", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: ipblock, namespace: x}
                spec:
                  podSelector: {}
                  ingress:
                  - from:
                    - ipBlock:
                        cidr: %s
                """.formatted(world.cidr()), c -> !c.toNs("x"));
    }

    @Test
    void ipBlockWithExceptAllowsNoPod() {
        check("ipblock-except", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: ipblock-except, namespace: x}
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                  - to:
                    - ipBlock:
                        cidr: 10.203.0.0/16
                        except: [%s128/25]
                """.formatted(world.cidrBase()), c -> !c.fromNs("x"));
    }

    // ---- combinations

    @Test
    void twoPoliciesAllowTheUnion() {
        check("union", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: from-ns-y, namespace: x}
                spec:
                  podSelector:
                    matchLabels: {pod: a}
                  ingress:
                  - from:
                    - namespaceSelector:
                        matchLabels: {ns: y}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: from-b-on-80, namespace: x}
                spec:
                  podSelector:
                    matchLabels: {pod: a}
                  ingress:
                  - from:
                    - podSelector:
                        matchLabels: {pod: b}
                    ports:
                    - port: 80
                """, c -> !c.to("x/a") || c.fromNs("y") || c.from("x/b") && c.is("80/TCP"));
    }

    @Test
    void policiesSelectingNothingChangeNothing() {
        check("selects-nothing", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: nobody, namespace: x}
                spec:
                  podSelector:
                    matchLabels: {pod: d}
                  policyTypes: [Ingress, Egress]
                ---
                apiVersion: cilium.io/v2
                kind: CiliumClusterwideNetworkPolicy
                metadata: {name: nobody}
                spec:
                  endpointSelector:
                    matchLabels: {pod: d}
                  ingressDeny:
                  - fromEntities: [all]
                """, c -> true);
        assertThat(enforcement("x/a").ingress()).as("x/a ingress enforced").isFalse();
        assertThat(enforcement("x/a").egress()).as("x/a egress enforced").isFalse();
    }

    @Test
    void ciliumDenyBeatsKubernetesAllow() {
        check("knp-allow-cnp-deny", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: from-everywhere, namespace: y}
                spec:
                  podSelector: {}
                  ingress:
                  - from:
                    - namespaceSelector: {}
                ---
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: deny-x, namespace: y}
                spec:
                  endpointSelector:
                    matchLabels: {pod: c}
                  ingressDeny:
                  - fromEndpoints:
                    - matchLabels: {k8s:io.kubernetes.pod.namespace: x}
                """, c -> !(c.to("y/c") && c.fromNs("x")));
    }

    // ---- CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy

    @Test
    void cnpEmptyEndpointSelectorMeansOwnNamespace() {
        check("cnp-own-namespace", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: own-namespace, namespace: x}
                spec:
                  endpointSelector: {}
                  ingress:
                  - fromEndpoints:
                    - {}
                """, c -> !c.toNs("x") || c.fromNs("x"));
    }

    @Test
    void ccnpEmptyEndpointSelectorMeansAnyPod() {
        check("ccnp-any-pod", """
                apiVersion: cilium.io/v2
                kind: CiliumClusterwideNetworkPolicy
                metadata: {name: any-pod-on-80}
                spec:
                  endpointSelector:
                    matchLabels: {pod: a}
                  ingress:
                  - fromEndpoints:
                    - {}
                    toPorts:
                    - ports:
                      - {port: "80", protocol: TCP}
                """, c -> !c.toName("a") || c.is("80/TCP"));
    }

    @Test
    void ccnpSelectsByNamespaceLabelsAndExpressions() {
        check("ccnp-expressions", """
                apiVersion: cilium.io/v2
                kind: CiliumClusterwideNetworkPolicy
                metadata: {name: expressions}
                spec:
                  endpointSelector:
                    matchExpressions:
                    - {key: pod, operator: NotIn, values: [a, b]}
                    - {key: k8s:io.kubernetes.pod.namespace, operator: In, values: [z]}
                  ingress:
                  - fromEndpoints:
                    - matchExpressions:
                      - {key: tier, operator: DoesNotExist}
                      - {key: pod, operator: NotIn, values: [a]}
                  - fromEndpoints:
                    - matchLabels: {io.cilium.k8s.namespace.labels.ns: x}
                      matchExpressions:
                      - {key: pod, operator: In, values: [a]}
                """, c -> !c.to("z/c") || (!c.fromName("a") && !c.from("y/b")) || c.from("x/a"));
    }

    @Test
    void serviceAccountSelector() {
        check("service-account", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: from-backend-sa, namespace: x}
                spec:
                  endpointSelector:
                    matchLabels: {pod: a}
                  ingress:
                  - fromEndpoints:
                    - matchLabels:
                        io.cilium.k8s.policy.serviceaccount: backend
                        k8s:io.kubernetes.pod.namespace: y
                """, c -> !c.to("x/a") || c.from("y/b"));
    }

    @Test
    void cnpEgressPortRangeStartsAtItsFirstPort() {
        check("cnp-egress-range", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: egress-range, namespace: z}
                spec:
                  endpointSelector:
                    matchLabels: {pod: b}
                  egress:
                  - toEndpoints:
                    - matchLabels: {k8s:io.kubernetes.pod.namespace: x}
                    toPorts:
                    - ports:
                      - {port: "81", endPort: 1000, protocol: TCP}
                """, c -> !c.from("z/b") || c.toNs("x") && c.is("81/TCP"));
    }

    @Test
    void ingressDenyBeatsEveryAllow() {
        check("deny-beats-allow", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: deny-beats-allow, namespace: x}
                spec:
                  endpointSelector:
                    matchLabels: {pod: a}
                  ingress:
                  - fromEntities: [all]
                  - fromEndpoints:
                    - matchLabels: {k8s:io.kubernetes.pod.namespace: y, pod: b}
                    toPorts:
                    - ports:
                      - {port: "80", protocol: TCP}
                  ingressDeny:
                  - fromEndpoints:
                    - matchLabels: {k8s:io.kubernetes.pod.namespace: y}
                """, c -> !c.to("x/a") || !c.fromNs("y"));
    }

    @Test
    void denyOnlyPolicyMakesDefaultDeny() {
        check("deny-only", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: deny-only, namespace: y}
                spec:
                  endpointSelector:
                    matchLabels: {pod: b}
                  ingressDeny:
                  - fromEndpoints:
                    - matchLabels: {pod: c}
                """, c -> !c.to("y/b"));
    }

    @Test
    void egressDenyOnAPort() {
        check("egress-deny-81", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: egress-deny-81, namespace: z}
                spec:
                  endpointSelector: {}
                  egress:
                  - toEntities: [all]
                  egressDeny:
                  - toPorts:
                    - ports:
                      - {port: "81", protocol: ANY}
                """, c -> !c.fromNs("z") || c.port(80));
    }

    @Test
    void fromEntitiesAll() {
        check("from-all", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: from-all, namespace: x}
                spec:
                  endpointSelector: {}
                  ingress:
                  - fromEntities: [all]
                """, c -> true);
        assertThat(enforcement("x/b").ingress()).as("x/b ingress enforced").isTrue();
    }

    @Test
    void fromEntitiesClusterIncludesEveryPod() {
        check("from-cluster", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: from-cluster, namespace: x}
                spec:
                  endpointSelector: {}
                  ingress:
                  - fromEntities: [cluster]
                    toPorts:
                    - ports:
                      - {port: "81", protocol: TCP}
                """, c -> !c.toNs("x") || c.is("81/TCP"));
    }

    @Test
    void fromEntitiesHostIsTheNodeNotPods() {
        check("from-host", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: from-host, namespace: x}
                spec:
                  endpointSelector: {}
                  ingress:
                  - fromEntities: [host]
                """, c -> !c.toNs("x"));
        String ip = world.pod("x/a").ip();
        assertThat(hostTcp(ip, 80)).as("host -> x/a 80/TCP").isEqualTo("x/a:80");
        assertThat(hostUdp(ip, 81)).as("host -> x/a 81/UDP").isEqualTo("x/a:81|host");
    }

    @Test
    void toEntitiesWorldExcludesPods() {
        check("to-world", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: to-world, namespace: y}
                spec:
                  endpointSelector: {}
                  egress:
                  - toEntities: [world]
                """, c -> !c.fromNs("y"));
        assertThat(world.pod("y/a").ping(world.gateway())).as("ping y/a -> the node, which is not world").isFalse();
    }

    @Test
    void enableDefaultDenyFalseDoesNotIsolate() {
        check("no-default-deny", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: no-default-deny, namespace: x}
                spec:
                  endpointSelector: {}
                  enableDefaultDeny:
                    ingress: false
                  ingress:
                  - fromEndpoints:
                    - matchLabels: {pod: a}
                """, c -> true);
        assertThat(enforcement("x/b").ingressBy()).as("x/b ingress default-deny by").isEmpty();
    }

    /** With another policy isolating x, the non-isolating policy's allows still count. */
    @Test
    void enableDefaultDenyFalseStillAllows() {
        check("no-default-deny-plus-deny", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: no-default-deny, namespace: x}
                spec:
                  endpointSelector: {}
                  enableDefaultDeny:
                    ingress: false
                  ingress:
                  - fromEndpoints:
                    - matchLabels: {pod: a}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-ingress, namespace: x}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress]
                """, c -> !c.toNs("x") || c.from("x/a"));
    }

    @Test
    void toEntitiesHostIsTheNode() {
        check("to-host", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: to-host, namespace: x}
                spec:
                  endpointSelector:
                    matchLabels: {pod: a}
                  egress:
                  - toEntities: [host]
                """, c -> !c.from("x/a"));
        assertThat(world.pod("x/a").ping(world.gateway())).as("ping x/a -> the node").isTrue();
        assertThat(world.pod("x/b").ping(world.gateway())).as("ping x/b -> the node").isTrue();
    }

    @Test
    void specsHoldSeveralRules() {
        check("specs", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: two-rules, namespace: x}
                specs:
                - endpointSelector:
                    matchLabels: {pod: a}
                  ingress:
                  - fromEndpoints:
                    - matchLabels: {k8s:io.kubernetes.pod.namespace: y}
                - endpointSelector:
                    matchLabels: {pod: b}
                  ingress:
                  - fromEndpoints:
                    - matchLabels: {k8s:io.kubernetes.pod.namespace: z}
                    toPorts:
                    - ports:
                      - {port: "81", protocol: UDP}
                """, c -> (!c.to("x/a") || c.fromNs("y")) && (!c.to("x/b") || c.fromNs("z") && c.is("81/UDP")));
    }

    /** A deny of one port for one peer leaves that peer's other ports to the broader allow. */
    @Test
    void aPortDenyForOnePeerCarvesOutOfAnL3Allow() {
        check("partial-deny", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: partial-deny, namespace: x}
                spec:
                  endpointSelector:
                    matchLabels: {pod: a}
                  ingress:
                  - fromEndpoints:
                    - matchLabels: {k8s:io.kubernetes.pod.namespace: y}
                  ingressDeny:
                  - fromEndpoints:
                    - matchLabels: {k8s:io.kubernetes.pod.namespace: y, pod: b}
                    toPorts:
                    - ports:
                      - {port: "80", protocol: TCP}
                """, c -> !c.to("x/a") || c.fromNs("y") && !(c.from("y/b") && c.is("80/TCP")));
    }

    /** A port deny for any peer beats an allow for particular peers on every port. */
    @Test
    void anyPeerPortDenyBeatsPeerAllow() {
        check("any-peer-deny", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: any-peer-deny, namespace: z}
                spec:
                  endpointSelector: {}
                  egress:
                  - toEndpoints:
                    - matchLabels: {k8s:io.kubernetes.pod.namespace: x}
                  egressDeny:
                  - toPorts:
                    - ports:
                      - {port: "81", protocol: TCP}
                """, c -> !c.fromNs("z") || c.toNs("x") && !c.is("81/TCP"));
    }

    /** A range that the datapath splits into many prefixes, ending right at 80. */
    @Test
    void portRangeEndingAtEighty() {
        check("range-1-80-udp", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: range-1-80, namespace: y}
                spec:
                  podSelector: {}
                  ingress:
                  - ports:
                    - {protocol: UDP, port: 1, endPort: 80}
                """, c -> !c.toNs("y") || c.is("80/UDP"));
    }

    /** Namespace labels are part of every pod's identity: relabelling a namespace moves its pods. */
    @Test
    void relabellingANamespaceMovesItsPods() {
        check("from-team-blue", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: from-team-blue, namespace: x}
                spec:
                  podSelector: {}
                  ingress:
                  - from:
                    - namespaceSelector:
                        matchLabels: {team: blue}
                """, c -> !c.toNs("x"));
        String blue = """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: z
                  labels: {ns: z, team: blue}
                """;
        String plain = """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: z
                  labels: {ns: z}
                """;
        try {
            world.apply("z-blue.yaml", blue);
            world.assertReachability("z labelled team=blue", c -> !c.toNs("x") || c.fromNs("z"));
        } finally {
            world.apply("z-plain.yaml", plain);
        }
        world.assertReachability("z without team=blue", c -> !c.toNs("x"));
    }

    /** Egress named ports: y's pods call port 81 {@code web}. */
    @Test
    void egressToANamedPort() {
        check("egress-named-port", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: egress-web, namespace: z}
                spec:
                  podSelector:
                    matchLabels: {pod: a}
                  policyTypes: [Egress]
                  egress:
                  - to:
                    - namespaceSelector:
                        matchLabels: {ns: y}
                    ports:
                    - port: web
                """, c -> !c.from("z/a") || c.toNs("y") && c.is("81/TCP"));
    }

    /** A clusterwide policy with only a deny makes every pod default-deny for egress. */
    @Test
    void aDenyOnlyClusterwidePolicyIsolatesEveryPod() {
        check("ccnp-deny-only", """
                apiVersion: cilium.io/v2
                kind: CiliumClusterwideNetworkPolicy
                metadata: {name: not-z-c-dgram}
                spec:
                  endpointSelector: {}
                  egressDeny:
                  - toEndpoints:
                    - matchLabels: {k8s:io.kubernetes.pod.namespace: z, pod: c}
                    toPorts:
                    - ports:
                      - {port: "80", protocol: UDP}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: egress-anywhere, namespace: x}
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                  - {}
                """, c -> c.fromNs("x") && !(c.to("z/c") && c.is("80/UDP")));
    }

    /** enableDefaultDeny.egress false: a deny that does not isolate. */
    @Test
    void aDenyWithoutDefaultDeny() {
        check("deny-without-default-deny", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: not-to-z, namespace: y}
                spec:
                  endpointSelector:
                    matchLabels: {pod: a}
                  enableDefaultDeny:
                    egress: false
                  egressDeny:
                  - toEndpoints:
                    - matchLabels: {k8s:io.kubernetes.pod.namespace: z}
                """, c -> !c.from("y/a") || !c.toNs("z"));
        assertThat(enforcement("y/a").egress()).as("y/a egress enforced").isTrue();
        assertThat(enforcement("y/a").egressBy()).as("y/a egress default-deny by").isEmpty();
        TraceModel toX = world.agent().client().send("POST", "/v1/policy/trace", new TraceRequest("y/a", "x/a", "80/TCP"),
                TraceModel.class);
        assertThat(toX.allowed()).as("trace y/a -> x/a").isTrue();
        assertThat(toX.egress().rules()).containsExactly("default-allow (PorinAgent) rule 0 egress[0]");
        TraceModel toZ = world.agent().client().send("POST", "/v1/policy/trace", new TraceRequest("y/a", "z/a", "80/TCP"),
                TraceModel.class);
        assertThat(toZ.allowed()).as("trace y/a -> z/a").isFalse();
        assertThat(toZ.egress().rules()).containsExactly("y/not-to-z (CiliumNetworkPolicy) rule 0 egressDeny[0]");
    }

    /** An empty (not absent) fromEndpoints selects no peer at all, with or without ports. */
    @Test
    void anEmptyPeerListSelectsNobody() {
        check("empty-from-endpoints", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: empty-peers, namespace: x}
                spec:
                  endpointSelector: {}
                  ingress:
                  - fromEndpoints: []
                    toPorts:
                    - ports:
                      - {port: "80", protocol: TCP}
                """, c -> !c.toNs("x"));
    }

    /** In a CiliumNetworkPolicy a peer selected by namespace labels is not pinned to the policy's namespace. */
    @Test
    void cnpPeerByNamespaceLabels() {
        check("cnp-namespace-labels", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: from-ns-label-z, namespace: x}
                spec:
                  endpointSelector: {}
                  ingress:
                  - fromEndpoints:
                    - matchLabels: {io.cilium.k8s.namespace.labels.ns: z}
                """, c -> !c.toNs("x") || c.fromNs("z"));
    }

    /** A namespace in a CiliumNetworkPolicy's endpointSelector is replaced by the policy's own. */
    @Test
    void cnpSubjectStaysInItsNamespace() {
        check("cnp-foreign-subject", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: foreign-subject, namespace: x}
                spec:
                  endpointSelector:
                    matchLabels: {k8s:io.kubernetes.pod.namespace: y, pod: a}
                  ingress:
                  - fromEndpoints:
                    - matchLabels: {pod: b}
                """, c -> !c.to("x/a") || c.from("x/b"));
    }

    /** An ICMP rule allows pings (echo requests) and nothing else. */
    @Test
    void icmpRuleAllowsPingOnly() {
        check("icmp-echo", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: ping-from-y, namespace: x}
                spec:
                  endpointSelector:
                    matchLabels: {pod: a}
                  ingress:
                  - fromEndpoints:
                    - matchLabels: {k8s:io.kubernetes.pod.namespace: y}
                    icmps:
                    - fields:
                      - {type: 8, family: IPv4}
                """, c -> !c.to("x/a"));
        assertThat(world.ping("y/c", "x/a")).as("ping y/c -> x/a").isTrue();
        assertThat(world.ping("z/c", "x/a")).as("ping z/c -> x/a").isFalse();
    }

    /** An ICMP deny drops pings and leaves TCP and UDP to the allow. */
    @Test
    void icmpDenyDropsPingOnly() {
        check("icmp-deny", """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: no-ping, namespace: x}
                spec:
                  endpointSelector:
                    matchLabels: {pod: a}
                  ingress:
                  - fromEntities: [cluster]
                  ingressDeny:
                  - icmps:
                    - fields:
                      - {type: EchoRequest}
                """, c -> true);
        assertThat(world.ping("y/c", "x/a")).as("ping y/c -> x/a").isFalse();
        assertThat(world.ping("y/c", "x/b")).as("ping y/c -> x/b").isTrue();
    }

    // ---- the host's view

    /** TCP from the host, from its address on the pod network (the pods' gateway). */
    private static String hostTcp(String ip, int port) {
        try {
            SocketChannel ch = SocketChannel.open();
            ch.bind(new InetSocketAddress(world.gateway(), 0));
            return Tcp.exchange(ch, ip, port, Duration.ofSeconds(1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String hostUdp(String ip, int port) {
        try {
            DatagramChannel ch = DatagramChannel.open();
            ch.bind(new InetSocketAddress(world.gateway(), 0));
            return Udp.exchange(ch, ip, port, "host", Duration.ofSeconds(1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
