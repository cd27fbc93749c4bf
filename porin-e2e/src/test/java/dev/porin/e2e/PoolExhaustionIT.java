// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e;

import dev.porin.e2e.harness.Cmd;
import dev.porin.e2e.harness.Cni;
import dev.porin.e2e.harness.TestAgent;
import dev.porin.e2e.harness.TestPod;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A /29 pod CIDR holds five pods; the sixth gets a CNI error, STATUS says so, and freeing one helps. */
class PoolExhaustionIT {

    @Test
    void aFullPoolIsAnErrorThatLeavesNothingBehind() {
        try (TestAgent agent = TestAgent.start("10.202.3.0/29")) {
            List<TestPod> pods = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    pods.add(TestPod.attached(agent, "p" + i, Map.of()));
                }
                Cni cni = agent.cni();
                byte[] conf = Cni.bytes(cni.config("1.1.0", Map.of(), null));
                assertThat(cni.invoke(cni.env("STATUS", null, null, null, null), conf).code()).isEqualTo(50);

                try (TestPod sixth = TestPod.create(agent, "p5")) {
                    Cni.Outcome add = sixth.add(Map.of());
                    assertThat(add.code()).isEqualTo(100);
                    assertThat(add.msg()).contains("10.202.3.0/29");
                    assertThat(sixth.exec("ip", "link", "show", "eth0").ok()).as("no interface made").isFalse();
                    assertThat(Cmd.check("ip", "-o", "link").stdout().lines().filter(l -> l.contains(": lxc")).count())
                            .isGreaterThanOrEqualTo(5);

                    assertThat(pods.getLast().del().ok()).isTrue();
                    assertThat(cni.invoke(cni.env("STATUS", null, null, null, null), conf).ok()).isTrue();
                    assertThat(sixth.add(Map.of()).ok()).as("a freed address is usable again").isTrue();
                    assertThat(sixth.ping(pods.getFirst().ip())).isTrue();
                }
            } finally {
                pods.forEach(TestPod::close);
            }
        }
    }
}
