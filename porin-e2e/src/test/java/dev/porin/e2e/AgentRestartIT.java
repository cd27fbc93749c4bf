// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e;

import dev.porin.api.v1.EndpointModel;
import dev.porin.e2e.harness.Cmd;
import dev.porin.e2e.harness.Tcp;
import dev.porin.e2e.harness.TestAgent;
import dev.porin.e2e.harness.TestPod;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The datapath outlives the agent: pods keep forwarding while it is down, a restarted agent adopts the
 * endpoints it finds, and no address is ever handed out twice.
 */
class AgentRestartIT {

    @Test
    void podsKeepForwardingWhileTheAgentIsDownAndARestartedAgentAdoptsThem() {
        try (TestAgent agent = TestAgent.start("10.202.4.0/24");
             TestPod a = TestPod.attached(agent, "a", Map.of("app", "a"));
             TestPod b = TestPod.attached(agent, "b", Map.of("app", "b"));
             Tcp.Echo echo = Tcp.echo(b.netnsPath(), 7000)) {
            List<EndpointModel> before = endpoints(agent);
            Tcp.Connection live = Tcp.connect(a.netnsPath(), b.ip(), 7000);
            assertThat(live.roundTrip("before")).isEqualTo("before");

            agent.stop();
            assertThat(agent.exitCode()).as("exit status after SIGTERM").isZero();
            assertThat(a.ping(b.ip())).as("ping while the agent is down").isTrue();
            assertThat(live.roundTrip("while down")).isEqualTo("while down");
            assertThat(a.check().code()).as("CNI while the agent is down").isEqualTo(11);

            agent.launch();
            assertThat(live.roundTrip("after restart")).as("an established connection survives").isEqualTo("after restart");
            List<EndpointModel> after = endpoints(agent);
            assertThat(after).extracting(EndpointModel::id, EndpointModel::ipv4, EndpointModel::containerId, EndpointModel::state)
                    .containsExactlyElementsOf(before.stream()
                            .map(e -> org.assertj.core.groups.Tuple.tuple(e.id(), e.ipv4(), e.containerId(), "ready")).toList());
            assertThat(a.check().ok()).as("CHECK after restart").isTrue();

            try (TestPod c = TestPod.attached(agent, "c", Map.of())) {
                assertThat(c.ip()).isNotIn(a.ip(), b.ip());
                assertThat(c.ping(a.ip())).isTrue();
                assertThat(a.ping(c.ip())).isTrue();
                try (Tcp.Connection fresh = Tcp.connect(c.netnsPath(), b.ip(), 7000)) {
                    assertThat(fresh.roundTrip("new pod")).isEqualTo("new pod");
                }
            }
            live.close();
        }
    }

    @Test
    void anEndpointWhosePodVanishedWhileTheAgentWasDownIsCleanedUp() {
        try (TestAgent agent = TestAgent.start("10.202.5.0/24");
             TestPod a = TestPod.attached(agent, "a", Map.of())) {
            TestPod gone = TestPod.attached(agent, "gone", Map.of());
            String goneIp = gone.ip();
            agent.stop();
            String host = gone.hostInterface();
            gone.close(); // deletes the namespace: the kernel removes the veth pair with it, soon after
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !Cmd.run("ip", "link", "show", host).ok());
            agent.launch();

            assertThat(endpoints(agent)).extracting(EndpointModel::ipv4).containsExactly(a.ip());
            try (TestPod next = TestPod.attached(agent, "next", Map.of())) {
                assertThat(next.ip()).as("a fresh address, not the one just released").isNotEqualTo(goneIp);
            }
        }
    }

    private static List<EndpointModel> endpoints(TestAgent agent) {
        return agent.client().get("/v1/endpoint", new TypeReference<List<EndpointModel>>() { });
    }
}
