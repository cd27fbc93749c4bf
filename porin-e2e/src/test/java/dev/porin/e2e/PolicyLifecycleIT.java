// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e;

import dev.porin.api.Json;
import dev.porin.api.v1.ApplyResult;
import dev.porin.api.v1.EndpointModel;
import dev.porin.api.v1.EndpointPolicyModel;
import dev.porin.api.v1.PolicyList;
import dev.porin.api.v1.TraceModel;
import dev.porin.api.v1.TraceRequest;
import dev.porin.cli.client.AgentException;
import dev.porin.e2e.harness.PolicyWorld;
import dev.porin.e2e.harness.Reachability;
import dev.porin.e2e.harness.Reachability.Port;
import dev.porin.e2e.harness.Reachability.Protocol;
import dev.porin.e2e.harness.Tcp;
import dev.porin.e2e.harness.TestPod;
import dev.porin.e2e.harness.Udp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Policy over time, in the same world of namespaces x, y, z and pods a, b, c as {@link NetworkPolicyMatrixIT}:
 * changes under a live connection, deletes that take effect by the time they return, bad files that change
 * nothing, audit mode per endpoint, traces that agree with the datapath, pods that are relabelled or start
 * under a policy, and policy across an agent restart.
 */
class PolicyLifecycleIT {

    private static final Duration PROBE = PolicyWorld.PROBE_TIMEOUT;
    private static final int ECHO_PORT = 8080;

    private static PolicyWorld world;

    @BeforeAll
    static void start() {
        world = PolicyWorld.start();
    }

    @AfterAll
    static void stop() {
        if (world != null) {
            System.out.println("PolicyLifecycleIT: matrices that needed a repeated probe: " + world.retriedMatrices());
            world.close();
        }
    }

    @AfterEach
    void deleteEverything() {
        world.deleteAllPolicies();
        world.assertReachability("after deleting every policy", c -> true);
    }

    /** Ingress to y/b on the echo port from the pods of namespace {@code from}; everything else into y/b denied. */
    private static String echoFrom(String from) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: echo, namespace: y}
                spec:
                  podSelector:
                    matchLabels: {pod: b}
                  ingress:
                  - from:
                    - namespaceSelector:
                        matchLabels: {ns: %s}
                    ports:
                    - port: %d
                """.formatted(from, ECHO_PORT);
    }

    @Test
    void aPolicyChangeAppliesToAnEstablishedConnection() {
        String target = world.pod("y/b").ip();
        try (Tcp.Echo echo = Tcp.echo(world.pod("y/b").netnsPath(), ECHO_PORT);
             Tcp.Connection live = Tcp.connect(world.pod("x/a").netnsPath(), target, ECHO_PORT)) {
            assertThat(live.roundTrip("before any policy")).isEqualTo("before any policy");

            world.apply("echo.yaml", echoFrom("x"));
            assertThat(live.roundTrip("still allowed")).as("the same connection under a policy that allows it")
                    .isEqualTo("still allowed");
            assertThat(live.roundTrip("and again")).isEqualTo("and again");

            ApplyResult changed = world.apply("echo.yaml", echoFrom("z"));
            assertThat(changed.objects()).extracting(ApplyResult.ObjectResult::action).containsExactly("configured");
            assertThat(live.roundTrip("now denied")).as("the same connection once the allow is gone").isNull();
            assertThat(Tcp.tryConnect(world.pod("x/a").netnsPath(), target, ECHO_PORT, PROBE))
                    .as("a fresh connection from x/a").isNull();
            try (Tcp.Connection fromZ = Tcp.tryConnect(world.pod("z/a").netnsPath(), target, ECHO_PORT, PROBE)) {
                assertThat(fromZ).as("a fresh connection from z/a, which the changed policy allows").isNotNull();
                assertThat(fromZ.roundTrip("from z")).isEqualTo("from z");
            }

            world.apply("echo.yaml", echoFrom("x"));
            try (Tcp.Connection fresh = Tcp.tryConnect(world.pod("x/a").netnsPath(), target, ECHO_PORT, PROBE)) {
                assertThat(fresh).as("a fresh connection from x/a once allowed again").isNotNull();
                assertThat(fresh.roundTrip("allowed again")).isEqualTo("allowed again");
            }
        }
    }

    @Test
    void deletingAnAllowDropsWhatOnlyItAllowedByTheTimeDeleteReturns() {
        String isolateX = """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: isolate, namespace: x}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress]
                """;
        String allowY = """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: from-y, namespace: x}
                spec:
                  podSelector:
                    matchLabels: {pod: a}
                  ingress:
                  - from:
                    - namespaceSelector:
                        matchLabels: {ns: y}
                """;
        world.apply("isolate.yaml", isolateX);
        world.apply("allow.yaml", allowY);
        world.assertReachability("isolated x, x/a open to y", c -> !c.toNs("x") || c.to("x/a") && c.fromNs("y"));
        String target = world.pod("x/a").ip();
        try (Tcp.Echo echo = Tcp.echo(world.pod("x/a").netnsPath(), ECHO_PORT);
             Tcp.Connection live = Tcp.connect(world.pod("y/b").netnsPath(), target, ECHO_PORT)) {
            assertThat(live.roundTrip("allowed")).isEqualTo("allowed");

            long start = System.nanoTime();
            ApplyResult deleted = world.delete("allow.yaml", allowY);
            long deleteMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(deleted.objects()).extracting(ApplyResult.ObjectResult::action).containsExactly("deleted");

            // No waiting: one probe of each kind, right after delete returned.
            assertThat(Tcp.exchange(Tcp.open(world.pod("y/b").netnsPath(), 1).getFirst(), target, 80, PROBE))
                    .as("a new TCP connection y/b -> x/a:80 right after delete").isNull();
            assertThat(Udp.request(world.pod("y/b").netnsPath(), target, 81, "late", PROBE))
                    .as("UDP y/b -> x/a:81 right after delete").isNull();
            Reachability expected = world.expect(c -> !c.toNs("x"));
            Reachability observed = world.probe();
            assertThat(expected.mismatches(observed)).as("the first matrix after delete (%d ms)\n%s", deleteMillis,
                    expected.table(observed)).isEmpty();
            assertThat(live.roundTrip("dropped")).as("the connection only the deleted policy allowed").isNull();
        }
    }

    /** A valid first document, and a second one with one mistake: the file must change nothing. */
    private record BadFile(String name, String secondDocument, String field, String reason) {
    }

    private static final String VALID_FIRST = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: isolate, namespace: x}
            spec:
              podSelector: {}
              policyTypes: [Ingress]
            ---
            """;

    @Test
    void aFileWithABadDocumentChangesNothing() {
        world.apply("base.yaml", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: isolate, namespace: z}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress]
                """);
        world.assertReachability("z isolated", c -> !c.toNs("z"));
        PolicyList before = Json.MAPPER.readValue(world.policies(), PolicyList.class);

        List<BadFile> files = List.of(
                new BadFile("bad-port", """
                        apiVersion: networking.k8s.io/v1
                        kind: NetworkPolicy
                        metadata: {name: bad-port, namespace: y}
                        spec:
                          podSelector: {}
                          ingress:
                          - ports:
                            - port: 99999
                        """, "spec.ingress[0].ports[0].port", "must be between 1 and 65535, not 99999"),
                new BadFile("bad-cnp-port", """
                        apiVersion: cilium.io/v2
                        kind: CiliumNetworkPolicy
                        metadata: {name: bad-cnp-port, namespace: y}
                        spec:
                          endpointSelector: {}
                          ingress:
                          - toPorts:
                            - ports:
                              - {port: "8o_80", protocol: TCP}
                        """, "spec.ingress[0].toPorts[0].ports[0].port",
                        "\"8o_80\" is neither a port number (0..65535) nor a port name"),
                new BadFile("unknown-field", """
                        apiVersion: cilium.io/v2
                        kind: CiliumNetworkPolicy
                        metadata: {name: typo, namespace: y}
                        spec:
                          endpointSelector: {}
                          ingress:
                          - fromEndpoint:
                            - {}
                        """, "spec.ingress[0].fromEndpoint", "unknown field \"fromEndpoint\""),
                new BadFile("bad-cidr", """
                        apiVersion: networking.k8s.io/v1
                        kind: NetworkPolicy
                        metadata: {name: bad-cidr, namespace: y}
                        spec:
                          podSelector: {}
                          ingress:
                          - from:
                            - ipBlock:
                                cidr: 10.0.0.300/24
                        """, "spec.ingress[0].from[0].ipBlock.cidr", "\"10.0.0.300\" is not an IPv4 or IPv6 address"),
                new BadFile("bad-operator", """
                        apiVersion: networking.k8s.io/v1
                        kind: NetworkPolicy
                        metadata: {name: bad-operator, namespace: y}
                        spec:
                          podSelector:
                            matchExpressions:
                            - {key: pod, operator: Equals, values: [a]}
                        """, "spec.podSelector.matchExpressions[0].operator", "unknown operator \"Equals\""));

        for (BadFile bad : files) {
            AgentException refused = catchThrowableOfType(AgentException.class,
                    () -> world.apply(bad.name() + ".yaml", VALID_FIRST + bad.secondDocument()));
            assertThat(refused).as(bad.name() + " must be refused").isNotNull();
            assertThat(refused.status()).as(bad.name() + ": HTTP status").isEqualTo(400);
            assertThat(refused.getMessage()).as(bad.name())
                    .contains("document 2 of " + bad.name() + ".yaml")
                    .contains("y/" + (bad.name().equals("unknown-field") ? "typo" : bad.name()))
                    .contains(bad.field() + ": " + bad.reason());
            assertThat(Json.MAPPER.readValue(world.policies(), PolicyList.class)).as(bad.name() + ": policies")
                    .isEqualTo(before);
            world.assertReachability(bad.name() + " refused", c -> !c.toNs("z"));
        }
        assertThat(world.agent().client().get("/v1/endpoint/" + world.endpointId("x/a") + "/policy",
                EndpointPolicyModel.class).enforcement().ingress()).as("x/a isolated by a refused file").isFalse();

        ApplyResult good = world.apply("good.yaml", VALID_FIRST + """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: port-80, namespace: y}
                spec:
                  podSelector: {}
                  ingress:
                  - ports:
                    - port: 80
                """);
        assertThat(good.objects()).extracting(ApplyResult.ObjectResult::action).containsExactly("created", "created");
        assertThat(good.revision()).isGreaterThan(before.revision());
        world.assertReachability("the good file", c -> !c.toNs("z") && !c.toNs("x") && (!c.toNs("y") || c.is("80/TCP")));
    }

    @Test
    void auditModeLetsAnEndpointsWouldBeDropsThrough() {
        world.apply("isolate.yaml", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: isolate, namespace: x}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress]
                """);
        world.assertReachability("x isolated", c -> !c.toNs("x"));
        int id = world.endpointId("x/a");
        try {
            EndpointModel audited = audit(id, true);
            assertThat(audited.policy().ingress()).isEqualTo("Disabled (Audit)");
            world.assertReachability("x/a in audit mode", c -> !c.toNs("x") || c.to("x/a"));
            assertThat(world.ping("y/a", "x/a")).as("ping y/a -> x/a in audit mode").isTrue();
        } finally {
            EndpointModel enforced = audit(id, false);
            assertThat(enforced.policy().ingress()).isEqualTo("Enabled");
        }
        world.assertReachability("x/a enforcing again", c -> !c.toNs("x"));
    }

    private static EndpointModel audit(int id, boolean on) {
        return Json.MAPPER.readValue(world.agent().client().call("PATCH", "/v1/endpoint/" + id + "/config",
                ("{\"policyAuditMode\": " + on + "}").getBytes(StandardCharsets.UTF_8)), EndpointModel.class);
    }

    @Test
    void traceAgreesWithTheDatapathAndNamesTheDecidingPolicy() {
        world.apply("trace.yaml", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: from-x-on-80, namespace: y}
                spec:
                  podSelector:
                    matchLabels: {pod: b}
                  ingress:
                  - from:
                    - namespaceSelector:
                        matchLabels: {ns: x}
                    ports:
                    - port: 80
                ---
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: not-x-c, namespace: y}
                spec:
                  endpointSelector:
                    matchLabels: {pod: b}
                  ingressDeny:
                  - fromEndpoints:
                    - matchLabels: {k8s:io.kubernetes.pod.namespace: x, pod: c}
                """);
        Reachability observed = world.assertReachability("trace world",
                c -> !c.to("y/b") || c.fromNs("x") && !c.fromName("c") && c.is("80/TCP"));
        String knp = "y/from-x-on-80 (NetworkPolicy)";
        String cnp = "y/not-x-c (CiliumNetworkPolicy)";
        Port tcp80 = new Port(80, Protocol.TCP);

        TraceModel allowed = trace("x/a", "y/b", "80/TCP");
        assertThat(allowed.allowed()).isEqualTo(observed.allowed("x/a", "y/b", tcp80)).isTrue();
        assertThat(allowed.ingress().verdict()).isEqualTo("allowed");
        assertThat(allowed.ingress().rules()).containsExactly(knp + " rule 0 ingress[0]");
        assertThat(allowed.egress().verdict()).isEqualTo("not enforced");

        TraceModel denied = trace("x/c", "y/b", "80/TCP");
        assertThat(denied.allowed()).isEqualTo(observed.allowed("x/c", "y/b", tcp80)).isFalse();
        assertThat(denied.ingress().verdict()).isEqualTo("denied by rule");
        assertThat(denied.ingress().rules()).containsExactly(cnp + " rule 0 ingressDeny[0]");

        TraceModel wrongPort = trace("x/a", "y/b", "81/TCP");
        assertThat(wrongPort.allowed()).isEqualTo(observed.allowed("x/a", "y/b", new Port(81, Protocol.TCP))).isFalse();
        assertThat(wrongPort.ingress().verdict()).isEqualTo("denied (no rule allows it)");
        assertThat(wrongPort.ingress().defaultDenyBy()).containsExactlyInAnyOrder(knp, cnp);

        TraceModel udp = trace("z/a", "y/b", "80/UDP");
        assertThat(udp.allowed()).isEqualTo(observed.allowed("z/a", "y/b", new Port(80, Protocol.UDP))).isFalse();

        TraceModel open = trace("x/c", "y/c", "80/TCP");
        assertThat(open.allowed()).isEqualTo(observed.allowed("x/c", "y/c", tcp80)).isTrue();
        assertThat(open.ingress().verdict()).isEqualTo("not enforced");
    }

    private static TraceModel trace(String source, String destination, String dport) {
        return world.agent().client().send("POST", "/v1/policy/trace", new TraceRequest(source, destination, dport),
                TraceModel.class);
    }

    /** Relabelling a pod changes its identity: policies that select it as a peer follow at once. */
    @Test
    void relabellingAPodMovesItInAndOutOfAPeerSelector() {
        world.apply("from-clients.yaml", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: from-clients, namespace: x}
                spec:
                  podSelector:
                    matchLabels: {pod: a}
                  ingress:
                  - from:
                    - namespaceSelector: {}
                      podSelector:
                        matchLabels: {role: client}
                """);
        world.assertReachability("no clients yet", c -> !c.to("x/a"));
        int id = world.endpointId("z/c");
        try {
            relabel(id, "{\"add\": {\"role\": \"client\"}}");
            world.assertReachability("z/c is a client", c -> !c.to("x/a") || c.from("z/c"));
        } finally {
            relabel(id, "{\"delete\": [\"role\"]}");
        }
        world.assertReachability("z/c is no client any more", c -> !c.to("x/a"));
    }

    private static void relabel(int id, String change) {
        world.agent().client().call("PATCH", "/v1/endpoint/" + id + "/labels", change.getBytes(StandardCharsets.UTF_8));
    }

    /** A pod that starts while a policy selects it is covered from its first packet. */
    @Test
    void aPodStartingUnderAPolicyIsCoveredFromTheStart() {
        world.apply("x-from-y.yaml", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: from-y, namespace: x}
                spec:
                  podSelector: {}
                  ingress:
                  - from:
                    - namespaceSelector:
                        matchLabels: {ns: y}
                """);
        try (TestPod d = TestPod.attached(world.agent(), "x", "d", Map.of("pod", "d"));
             Reachability.Servers servers = Reachability.serve(List.of(d), Reachability.PORTS)) {
            String ip = d.ip();
            assertThat(Tcp.exchange(Tcp.open(world.pod("z/a").netnsPath(), 1).getFirst(), ip, 80, PROBE))
                    .as("z/a -> new pod x/d 80/TCP").isNull();
            assertThat(Udp.request(world.pod("z/a").netnsPath(), ip, 81, "z", PROBE))
                    .as("z/a -> new pod x/d 81/UDP").isNull();
            assertThat(Tcp.exchange(Tcp.open(world.pod("y/a").netnsPath(), 1).getFirst(), ip, 80, PROBE))
                    .as("y/a -> new pod x/d 80/TCP").isEqualTo("x/d:80");
            assertThat(Udp.request(world.pod("y/a").netnsPath(), ip, 81, "y", PROBE))
                    .as("y/a -> new pod x/d 81/UDP").isEqualTo("x/d:81|y");
            assertThat(Tcp.exchange(Tcp.open(d.netnsPath(), 1).getFirst(), world.pod("z/a").ip(), 80, PROBE))
                    .as("x/d -> z/a 80/TCP: egress is not isolated").isEqualTo("z/a:80");
        }
    }

    /** Policy lives in pinned maps: enforced while the agent is down, and the same after it restarts. */
    @Test
    void policyHoldsWhileTheAgentIsDownAndAfterItRestarts() {
        world.apply("restart.yaml", """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: isolate, namespace: x}
                spec:
                  podSelector: {}
                  policyTypes: [Ingress]
                ---
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: from-y-on-81, namespace: x}
                spec:
                  endpointSelector:
                    matchLabels: {pod: b}
                  ingress:
                  - fromEndpoints:
                    - matchLabels: {k8s:io.kubernetes.pod.namespace: y}
                    toPorts:
                    - ports:
                      - {port: "81", protocol: ANY}
                """);
        java.util.function.Predicate<Reachability.Cell> expected =
                c -> !c.toNs("x") || c.to("x/b") && c.fromNs("y") && c.port(81);
        world.assertReachability("before the restart", expected);
        PolicyList before = Json.MAPPER.readValue(world.policies(), PolicyList.class);
        world.agent().stop();
        try {
            world.assertReachability("while the agent is down", expected);
        } finally {
            world.agent().launch();
        }
        world.assertReachability("after the restart", expected);
        PolicyList after = Json.MAPPER.readValue(world.policies(), PolicyList.class);
        assertThat(after.policies()).isEqualTo(before.policies());
        assertThat(after.revision()).as("the policy revision never goes back").isGreaterThan(before.revision());
    }

    @Test
    void deletingAPolicyThatIsNotThereIsReportedAndHarmless() {
        ApplyResult result = world.delete("nothing.yaml", VALID_FIRST);
        assertThat(result.objects()).extracting(ApplyResult.ObjectResult::action).containsExactly("not found");
        assertThatThrownBy(() -> world.agent().client().call("DELETE", "/v1/policy?name=nothing", null))
                .isInstanceOf(AgentException.class).extracting(e -> ((AgentException) e).status()).isEqualTo(404);
    }
}
