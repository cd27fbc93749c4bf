// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.porin.api.v1.EndpointModel;
import dev.porin.api.v1.StatusModel;
import dev.porin.e2e.harness.CliProcess;
import dev.porin.e2e.harness.Cmd;
import dev.porin.e2e.harness.Tcp;
import dev.porin.e2e.harness.TestAgent;
import dev.porin.e2e.harness.TestPod;
import dev.porin.hubble.flow.Flow;
import dev.porin.hubble.flow.Verdict;
import dev.porin.hubble.observer.GetFlowsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code porin observe}, {@code porin monitor} and {@code porin status} as a user runs them, from the built
 * distribution, against a real agent with pods, a policy and real connections.
 */
class ObserveCliIT {

    private static final int PORT = 8080;
    private static final String POLICY = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata:
              name: client-to-server
              namespace: default
            spec:
              endpointSelector:
                matchLabels:
                  app: server
              ingress:
              - fromEndpoints:
                - matchLabels:
                    app: client
                toPorts:
                - ports:
                  - port: "8080"
                    protocol: TCP
            """;
    private static final String TIME = "\\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}";

    private static TestAgent agent;
    private static TestPod client;
    private static TestPod server;
    private static TestPod intruder;
    private static Tcp.Server hello;

    @BeforeAll
    static void start() {
        agent = TestAgent.start("10.202.41.0/24");
        client = TestPod.attached(agent, "client", Map.of("app", "client"));
        server = TestPod.attached(agent, "server", Map.of("app", "server"));
        intruder = TestPod.attached(agent, "intruder", Map.of("app", "intruder"));
        agent.client().call("POST", "/v1/resources?source=observe-cli-it", POLICY.getBytes(StandardCharsets.UTF_8));
        hello = Tcp.serve(server.netnsPath(), PORT, "hello");
    }

    @AfterAll
    static void stop() {
        try {
            if (hello != null) {
                hello.close();
            }
            for (TestPod p : new TestPod[] {intruder, server, client}) {
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
    void observeShowsARefusedConnectionAsDroppedByTheDefaultDenyOfThePolicy() {
        assertThat(Tcp.request(intruder.netnsPath(), server.ip(), PORT, Duration.ofMillis(700))).isNull();
        Pattern drop = Pattern.compile(TIME + ": default/intruder:\\d+ \\(ID:" + identity(intruder) + "\\) <> default/server:8080"
                + " \\(ID:" + identity(server) + "\\) Policy denied DROPPED \\(TCP Flags: SYN\\)"
                + " by default deny of default/client-to-server \\(CiliumNetworkPolicy\\)");

        List<String> lines = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            Cmd.Result r = CliProcess.run(agent, "observe", "--last", "50", "--verdict", "DROPPED", "-o", "compact");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            lines.clear();
            lines.addAll(r.stdout().lines().toList());
            assertThat(lines).anyMatch(drop.asMatchPredicate());
        });
        assertThat(lines).as("only drops, and the policy verdicts that denied (printed DENIED, as hubble does)")
                .allMatch(l -> l.contains(" Policy denied DROPPED ") || l.contains(" policy-verdict:none INGRESS DENIED "));
    }

    @Test
    void observeJsonPrintsHubbleFlowResponses() throws Exception {
        assertThat(Tcp.request(client.netnsPath(), server.ip(), PORT, Duration.ofSeconds(3))).isEqualTo("hello");

        List<GetFlowsResponse> responses = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
            Cmd.Result r = CliProcess.run(agent, "observe", "-o", "json", "--from-pod", "client", "--to-port", "8080");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            responses.clear();
            for (String line : r.stdout().lines().toList()) {
                responses.add(parse(line));
            }
            assertThat(responses).extracting(GetFlowsResponse::getFlow).extracting(Flow::getVerdict).contains(Verdict.FORWARDED);
        });
        assertThat(responses).allSatisfy(resp -> {
            assertThat(resp.getNodeName()).isNotEmpty();
            assertThat(resp.getFlow().getSource().getPodName()).isEqualTo("client");
            assertThat(resp.getFlow().getL4().getTCP().getDestinationPort()).isEqualTo(PORT);
        });
    }

    @Test
    void observeFollowPrintsNewFlowsAsTheyHappenUntilInterrupted() {
        int port = PORT + 1;
        try (CliProcess follow = CliProcess.start(agent, "observe", "--follow", "--from-pod", "intruder", "--to-port",
                String.valueOf(port))) {
            Predicate<String> newDrop = l -> l.contains("default/intruder:") && l.contains("default/server:" + port)
                    && l.contains("DROPPED");

            assertThat(follow.awaitLine(newDrop, Duration.ofSeconds(1))).as("nothing from before").isNull();
            String line = retryingUntilPrinted(follow, newDrop, port);

            assertThat(line).as(follow.output()).isNotNull().matches(TIME + ": default/intruder:\\d+ .*");
            assertThat(follow.interrupt()).as("Ctrl-C, as the JVM reports it").isEqualTo(130);
            assertThat(follow.stderr()).as("ends without a trace").isEmpty();
        }
    }

    @Test
    void monitorPrintsADropLineForADeniedConnection() {
        int port = PORT + 2;
        try (CliProcess monitor = CliProcess.start(agent, "monitor", "--type", "drop")) {
            assertThat(monitor.awaitLine(l -> l.startsWith("Listening for events on the datapath"), Duration.ofSeconds(10)))
                    .as(monitor.output()).isNotNull();
            Pattern drop = Pattern.compile("xx drop \\(Policy denied\\) flow 0x[0-9a-f]+ to endpoint " + endpoint(server).id()
                    + ", ifindex \\d+, file bpf_lxc.c:0, , identity " + identity(intruder) + "->" + identity(server) + ": "
                    + Pattern.quote(intruder.ip()) + ":\\d+ -> " + Pattern.quote(server.ip()) + ":" + port + " tcp SYN"
                    + " by default/client-to-server \\(CiliumNetworkPolicy\\) default deny");

            String line = retryingUntilPrinted(monitor, drop.asMatchPredicate(), port);

            assertThat(line).as(monitor.output()).isNotNull();
            assertThat(monitor.output().lines().skip(2)).as("only drops").allMatch(l -> l.startsWith("xx drop "));
            monitor.interrupt();
        }
    }

    @Test
    void statusShowsHubbleMetricsAndEvents() {
        StatusModel.Observability o = agent.client().get("/v1/status", StatusModel.class).observability();

        Cmd.Result r = CliProcess.run(agent, "status");

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).containsPattern("Hubble: +Ok   Current/Max Flows: \\d+/16383 \\(\\d+\\.\\d\\d%\\), Flows/s: \\d+\\.\\d\\d"
                        + "   listening on " + Pattern.quote(o.hubbleAddress()) + "\n")
                .contains("Metrics:                 " + (o.metricsAddress() == null ? "Disabled"
                        : "Ok   listening on " + o.metricsAddress()) + "\n")
                .containsPattern("Events: +\\d+ received, \\d+ lost");
    }

    /** Makes refused connections from the intruder to the server's {@code port} until {@code cli} prints a matching line. */
    private static String retryingUntilPrinted(CliProcess cli, Predicate<String> matching, int port) {
        for (int attempt = 0; attempt < 10; attempt++) {
            Tcp.request(intruder.netnsPath(), server.ip(), port, Duration.ofMillis(300));
            String line = cli.awaitLine(matching, Duration.ofSeconds(1));
            if (line != null) {
                return line;
            }
        }
        return null;
    }

    private static GetFlowsResponse parse(String line) {
        GetFlowsResponse.Builder b = GetFlowsResponse.newBuilder();
        try {
            JsonFormat.parser().merge(line, b);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("not a GetFlowsResponse: " + line, e);
        }
        return b.build();
    }

    private static int identity(TestPod pod) {
        return endpoint(pod).identity();
    }

    private static EndpointModel endpoint(TestPod pod) {
        return agent.client().get("/v1/endpoint", new TypeReference<List<EndpointModel>>() { }).stream()
                .filter(e -> pod.name().equals(e.podName())).findFirst().orElseThrow();
    }
}
