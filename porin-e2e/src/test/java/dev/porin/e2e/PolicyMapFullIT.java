// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e;

import dev.porin.api.Json;
import dev.porin.api.v1.EndpointModel;
import dev.porin.api.v1.StatusModel;
import dev.porin.e2e.harness.Bpftool;
import dev.porin.e2e.harness.CliProcess;
import dev.porin.e2e.harness.Cmd;
import dev.porin.e2e.harness.Tcp;
import dev.porin.e2e.harness.TestAgent;
import dev.porin.e2e.harness.TestPod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An endpoint whose policy does not fit its policy map ({@code --bpf-policy-map-max 256}), on a real agent and
 * datapath. As documented (README, "When policy does not fit"): the map holds every deny, then the allows in
 * key order (peer identity, then direction, protocol, port) as far as they fit; the allows left out are those
 * that sort last, their traffic is dropped, and status, metrics and {@code porin bpf policy get} say how many.
 */
class PolicyMapFullIT {

    private static final int MAX = 256;
    private static final int CIDRS = 300;
    private static final int PORT = 8080;
    private static final Duration PROBE = Duration.ofSeconds(1);

    /**
     * Ingress to the server from app=client and from 300 /32 addresses of 198.18.0.0/15 (RFC 2544, never
     * routed here). Entries: the local host's allow, the client's, 300 CIDR allows; 256 fit. CIDR identities
     * carry the local-scope bit (0x01000000), so they sort after every pod identity: the 46 left out are CIDR
     * allows, and the client's allow is installed, whenever the client appears.
     */
    private static final String CIDR_POLICY = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: many-cidrs, namespace: default}
            spec:
              endpointSelector:
                matchLabels: {app: server}
              ingress:
              - fromEndpoints:
                - matchLabels: {app: client}
              - fromCIDR: [%s]
            """.formatted(IntStream.range(0, CIDRS).mapToObj(i -> "198.18." + (i / 200) + "." + (i % 200 + 1) + "/32")
            .collect(Collectors.joining(", ")));
    private static final int CIDR_LEFT_OUT = CIDRS + 2 - MAX;
    /** Without a client pod, the client's allow is not there: the host's allow and 300 CIDR allows. */
    private static final int CIDR_LEFT_OUT_WITHOUT_CLIENT = CIDRS + 1 - MAX;

    private static final int FIRST_PORT = 1000;
    private static final int PORTS = 300;

    /**
     * Ingress to the server from app=client on 300 TCP ports, 1000 to 1299 (at most 40 per toPorts entry).
     * Entries: the host's allow and 300 allows for the client's identity, which sort by port: 1000 to 1254 fit,
     * 1255 to 1299 are left out.
     */
    private static final String PORTS_POLICY = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: many-ports, namespace: default}
            spec:
              endpointSelector:
                matchLabels: {app: server}
              ingress:
              - fromEndpoints:
                - matchLabels: {app: client}
                toPorts:
            %s""".formatted(IntStream.range(0, PORTS / 30).mapToObj(chunk -> "    - ports: ["
            + IntStream.range(FIRST_PORT + chunk * 30, FIRST_PORT + chunk * 30 + 30)
            .mapToObj(p -> "{port: \"" + p + "\", protocol: TCP}").collect(Collectors.joining(", "))
            + "]\n").collect(Collectors.joining()));
    private static final int LAST_INSTALLED_PORT = FIRST_PORT + MAX - 2;
    private static final int PORTS_LEFT_OUT = PORTS + 1 - MAX;

    private static TestAgent agent;
    private static TestPod server;
    private static TestPod intruder;

    @BeforeAll
    static void start() {
        agent = TestAgent.start("10.202.31.0/24", "--bpf-policy-map-max", Integer.toString(MAX));
        server = TestPod.attached(agent, "server", Map.of("app", "server"));
        intruder = TestPod.attached(agent, "intruder", Map.of("app", "intruder"));
    }

    @AfterAll
    static void stop() {
        try {
            for (TestPod p : new TestPod[] {intruder, server}) {
                if (p != null) {
                    p.close();
                }
            }
        } finally {
            if (agent != null) {
                agent.close();
            }
        }
    }

    @AfterEach
    void deletePolicies() {
        agent.client().call("DELETE", "/v1/policy?all=true", null);
    }

    @Test
    void aFullMapIsReportedByStatusMetricsAndBpfPolicyGet() {
        apply(CIDR_POLICY);
        // The client appears once the map is already full: its allow still takes the place of a CIDR allow.
        try (TestPod client = TestPod.attached(agent, "client", Map.of("app", "client"));
             Tcp.Echo echo = Tcp.echo(server.netnsPath(), PORT)) {
            int id = endpointId(server);

            StatusModel.Policy status = agent.client().get("/v1/status", StatusModel.class).policy();
            assertThat(status.policyMapMaxEntries()).isEqualTo(MAX);
            assertThat(status.policyMapOverflow()).containsExactly(Map.entry(id, CIDR_LEFT_OUT));
            assertThat(status.identityExhausted()).isEmpty();
            assertThat(CliProcess.run(agent, "status").stdout()).contains("Policy map full:", "endpoint " + id + ": "
                    + CIDR_LEFT_OUT + " entries not installed (max " + MAX + ")");

            assertThat(metric("porin_policy_map_overflow_entries")).isEqualTo(CIDR_LEFT_OUT);
            assertThat(metric("porin_identity_exhausted_endpoints")).isZero();

            JsonNode policy = bpfPolicyGet(id);
            assertThat(policy.get("maxEntries").asInt()).isEqualTo(MAX);
            assertThat(policy.get("notInstalled").asInt()).isEqualTo(CIDR_LEFT_OUT);
            assertThat(policy.get("entries").size()).isEqualTo(CIDRS + 2);
            assertThat(Bpftool.innerMapEntries(agent.bpfRoot().resolve("porin_policy"), id)).as("the kernel's map")
                    .isEqualTo(MAX);

            try (Tcp.Connection c = Tcp.tryConnect(client.netnsPath(), server.ip(), PORT, PROBE)) {
                assertThat(c).as("the client's allow sorts before every CIDR allow: it is installed").isNotNull();
                assertThat(c.roundTrip("in")).isEqualTo("in");
            }
            assertThat(Tcp.tryConnect(intruder.netnsPath(), server.ip(), PORT, PROBE)).as("default deny").isNull();
        }
    }

    @Test
    void theAllowsLeftOutAreTheLastInKeyOrderAndTheirTrafficIsDropped() {
        try (TestPod client = TestPod.attached(agent, "client", Map.of("app", "client"))) {
            apply(PORTS_POLICY);
            int id = endpointId(server);
            assertThat(agent.client().get("/v1/status", StatusModel.class).policy().policyMapOverflow())
                    .containsExactly(Map.entry(id, PORTS_LEFT_OUT));

            List<Tcp.Echo> echoes = new ArrayList<>();
            try {
                int lastLeftOut = FIRST_PORT + PORTS - 1;
                for (int port : new int[] {FIRST_PORT, LAST_INSTALLED_PORT, LAST_INSTALLED_PORT + 1, lastLeftOut}) {
                    echoes.add(Tcp.echo(server.netnsPath(), port));
                }
                assertThat(reachable(client, FIRST_PORT)).as("port %d, the lowest key", FIRST_PORT).isTrue();
                assertThat(reachable(client, LAST_INSTALLED_PORT))
                        .as("port %d, the last that fits", LAST_INSTALLED_PORT).isTrue();
                assertThat(reachable(client, LAST_INSTALLED_PORT + 1)).as("port %d, the first left out",
                        LAST_INSTALLED_PORT + 1).isFalse();
                assertThat(reachable(client, lastLeftOut)).as("port %d, the last left out", lastLeftOut).isFalse();
            } finally {
                echoes.forEach(Tcp.Echo::close);
            }
        }
    }

    @Test
    void deletingThePolicyClearsTheOverflow() {
        apply(CIDR_POLICY);
        int id = endpointId(server);
        assertThat(metric("porin_policy_map_overflow_entries")).isEqualTo(CIDR_LEFT_OUT_WITHOUT_CLIENT);

        agent.client().call("DELETE", "/v1/resources?source=policy-map-full-it",
                CIDR_POLICY.getBytes(StandardCharsets.UTF_8));

        assertThat(agent.client().get("/v1/status", StatusModel.class).policy().policyMapOverflow()).isEmpty();
        assertThat(metric("porin_policy_map_overflow_entries")).isZero();
        assertThat(bpfPolicyGet(id).get("notInstalled").asInt()).isZero();
        assertThat(Bpftool.innerMapEntries(agent.bpfRoot().resolve("porin_policy"), id))
                .as("the host's allow alone").isEqualTo(1);
        assertThat(CliProcess.run(agent, "status").stdout()).doesNotContain("Policy map full");
    }

    private static void apply(String yaml) {
        agent.client().call("POST", "/v1/resources?source=policy-map-full-it", yaml.getBytes(StandardCharsets.UTF_8));
    }

    private static int endpointId(TestPod pod) {
        return agent.client().get("/v1/endpoint", new TypeReference<List<EndpointModel>>() { }).stream()
                .filter(e -> pod.name().equals(e.podName())).findFirst().orElseThrow().id();
    }

    private static JsonNode bpfPolicyGet(int endpoint) {
        Cmd.Result r = CliProcess.run(agent, "bpf", "policy", "get", Integer.toString(endpoint), "-o", "json");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return Json.MAPPER.readTree(r.stdout());
    }

    private static boolean reachable(TestPod from, int port) {
        try (Tcp.Connection c = Tcp.tryConnect(from.netnsPath(), server.ip(), port, PROBE)) {
            return c != null && "ok".equals(c.roundTrip("ok"));
        }
    }

    /** A gauge without labels, as the agent's metrics endpoint serves it right now. */
    private static int metric(String name) {
        String address = agent.client().get("/v1/status", StatusModel.class).observability().metricsAddress();
        try (HttpClient http = HttpClient.newHttpClient()) {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(body);
            assertThat(m.find()).as(name + " in\n" + body).isTrue();
            return (int) Double.parseDouble(m.group(1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
