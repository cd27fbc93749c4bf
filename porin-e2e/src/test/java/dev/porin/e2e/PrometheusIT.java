// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e;

import dev.porin.api.Json;
import dev.porin.api.v1.StatusModel;
import dev.porin.e2e.harness.PrometheusServer;
import dev.porin.e2e.harness.Syn;
import dev.porin.e2e.harness.TestAgent;
import dev.porin.e2e.harness.TestPod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

/**
 * The agent's metrics as a real Prometheus sees them: it scrapes the agent every second, and what it
 * reports follows real packets that the datapath dropped under a real policy.
 */
class PrometheusIT {

    private static final int PORT = 8080;
    private static final String POLICY = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata:
              name: only-clients
              namespace: default
            spec:
              endpointSelector:
                matchLabels:
                  app: server
              ingress:
              - fromEndpoints:
                - matchLabels:
                    app: client
            """;
    private static final String DENIED = "porin_drop_count_total{reason=\"Policy denied\",direction=\"INGRESS\"}";
    private static final Duration SCRAPES = Duration.ofSeconds(3);

    private static TestAgent agent;
    private static TestPod server;
    private static TestPod intruder;
    private static PrometheusServer prometheus;
    private static String metricsAddress;

    @BeforeAll
    static void start() {
        agent = TestAgent.start("10.202.23.0/24");
        server = TestPod.attached(agent, "server", Map.of("app", "server"));
        intruder = TestPod.attached(agent, "intruder", Map.of("app", "intruder"));
        agent.client().call("POST", "/v1/resources?source=prometheus-it", POLICY.getBytes(StandardCharsets.UTF_8));
        metricsAddress = agent.client().get("/v1/status", StatusModel.class).observability().metricsAddress();
        prometheus = PrometheusServer.start(metricsAddress);
        await().atMost(Duration.ofSeconds(15)).until(() -> prometheus.value("up{job=\"porin\"}") == 1);
    }

    @AfterAll
    static void stop() {
        try {
            if (prometheus != null) {
                prometheus.close();
            }
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

    @Test
    void statusReportsThePortTheMetricsServerBound() {
        assertThat(metricsAddress).startsWith("127.0.0.1:").doesNotEndWith(":0");
    }

    @Test
    void prometheusScrapesTheAgent() {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(prometheus.targets()).singleElement().satisfies(t -> {
                assertThat(t.job()).isEqualTo(PrometheusServer.JOB);
                assertThat(t.scrapeUrl()).isEqualTo("http://" + metricsAddress + "/metrics");
                assertThat(t.health()).as(t.lastError()).isEqualTo("up");
            });
            assertThat(prometheus.value("up{job=\"porin\"}")).isEqualTo(1);
        });
        assertThat(prometheus.value("porin_endpoint")).isEqualTo(2);
        assertThat(prometheus.value("porin_endpoint_state{endpoint_state=\"ready\"}")).isEqualTo(2);
        assertThat(prometheus.value("porin_policy")).isEqualTo(1);
        assertThat(prometheus.query("porin_bpf_map_pressure")).isNotEmpty();
    }

    /**
     * Each attempt is one SYN and nothing more ({@link Syn}): a socket closed while its SYN is unanswered
     * neither retransmits nor resets, so the datapath sees exactly one packet per attempt and drops it,
     * and the counter must rise by exactly the number of attempts.
     */
    @Test
    void deniedAttemptsRaiseTheDropCounterByExactlyTheirNumber() {
        int attempts = 7;
        double before = steadyValue(DENIED);

        for (int i = 0; i < attempts; i++) {
            Syn.send(intruder.netnsPath(), server.ip(), PORT);
        }

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(prometheus.value(DENIED)).isEqualTo(before + attempts));
        sleep(SCRAPES);
        assertThat(prometheus.value(DENIED)).as("no more drops than attempts").isEqualTo(before + attempts);
    }

    @Test
    void hubbleFlowMetricsReachPrometheus() {
        Syn.send(intruder.netnsPath(), server.ip(), PORT);

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(prometheus.value("sum(hubble_drop_total{reason=\"POLICY_DENIED\",protocol=\"TCP\"})"))
                    .isPositive();
            assertThat(prometheus.value("sum(hubble_flows_processed_total{type=\"Drop\",protocol=\"TCP\","
                    + "verdict=\"DROPPED\"})")).isPositive();
            assertThat(prometheus.value("sum(hubble_flows_processed_total)")).isPositive();
        });
    }

    @Test
    void everyDashboardQueryIsValidPromQL() throws Exception {
        JsonNode dashboard = Json.MAPPER.readTree(Files.readString(Path.of("../deploy/grafana/porin-dashboard.json")));
        List<String> exprs = new ArrayList<>();
        dashboard.path("panels").forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asString())));
        assertThat(exprs).isNotEmpty();
        for (String expr : exprs) {
            // Grafana's variables, as Grafana fills them in
            String promql = expr.replace("$instance", ".*").replace("$__rate_interval", "1m");
            assertThatCode(() -> prometheus.query(promql)).as(promql).doesNotThrowAnyException();
        }
    }

    /** The value once two readings a few scrapes apart agree: nothing is still on its way. */
    private static double steadyValue(String promql) {
        double[] last = {Double.NaN};
        await().atMost(Duration.ofSeconds(30)).pollInterval(SCRAPES).until(() -> {
            double v = prometheus.value(promql);
            boolean steady = v == last[0];
            last[0] = v;
            return steady;
        });
        return last[0];
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
