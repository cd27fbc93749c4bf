// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e;

import dev.porin.e2e.harness.Cmd;
import dev.porin.e2e.harness.Tcp;
import dev.porin.e2e.harness.TestAgent;
import dev.porin.e2e.harness.TestPod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Pods created through the CNI plugin reach each other, the host reaches them, and they reach the host. */
class PodNetworkingIT {

    private static TestAgent agent;
    private static TestPod a;
    private static TestPod b;

    @BeforeAll
    static void start() {
        agent = TestAgent.start("10.202.1.0/24");
        a = TestPod.attached(agent, "a", Map.of("app", "a"));
        b = TestPod.attached(agent, "b", Map.of("app", "b"));
    }

    @AfterAll
    static void stop() {
        try {
            if (b != null) {
                b.close();
            }
            if (a != null) {
                a.close();
            }
        } finally {
            if (agent != null) {
                agent.close();
            }
        }
    }

    @Test
    void podsPingEachOther() {
        assertThat(a.ping(b.ip())).as("a pings b").isTrue();
        assertThat(b.ping(a.ip())).as("b pings a").isTrue();
    }

    @Test
    void podsTalkTcp() {
        try (Tcp.Server server = Tcp.serve(b.netnsPath(), 8080, "hello from b")) {
            assertThat(Tcp.request(a.netnsPath(), b.ip(), 8080, Duration.ofSeconds(3))).isEqualTo("hello from b");
        }
    }

    @Test
    void hostAndPodsReachEachOther() {
        String router = "10.202.1.1";
        assertThat(Cmd.run("ping", "-c", "1", "-W", "1", a.ip()).ok()).as("host pings a").isTrue();
        assertThat(a.ping(router)).as("a pings the host at its gateway address").isTrue();
        try (Tcp.Server server = Tcp.serve(a.netnsPath(), 8081, "hello from a")) {
            assertThat(Tcp.request(null, a.ip(), 8081, Duration.ofSeconds(3))).isEqualTo("hello from a");
        }
    }

    @Test
    void theDatapathForwardsPodToPodWithoutTheHostStack() {
        // Delivery is a BPF redirect into the peer: the packet is routed once (TTL 64 -> 63) and
        // no route of the host is involved, so a ping's TTL shows one hop.
        Cmd.Result r = a.exec("ping", "-c", "1", "-W", "1", b.ip());
        assertThat(r.stdout()).contains("ttl=63");
    }

    @Test
    void aPodCannotSendFromAnAddressThatIsNotItsOwn() {
        String spoofed = "10.202.1.250";
        a.exec("ip", "addr", "add", spoofed + "/32", "dev", "eth0").orThrow(java.util.List.of("ip addr add"));
        try {
            assertThat(a.exec("ping", "-c", "1", "-W", "1", "-I", spoofed, b.ip()).ok())
                    .as("ping from a spoofed source").isFalse();
            assertThat(a.ping(b.ip())).as("ping from the pod's own address still works").isTrue();
        } finally {
            a.exec("ip", "addr", "del", spoofed + "/32", "dev", "eth0");
        }
    }

    @Test
    void checkSucceedsAfterAdd() {
        assertThat(a.check().ok()).isTrue();
        assertThat(a.check().stdout()).isEmpty();
    }
}
