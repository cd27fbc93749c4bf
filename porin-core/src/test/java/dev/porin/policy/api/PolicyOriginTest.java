// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyOriginTest {

    @Test
    void originsSortAsTheirNames() {
        String[] parts = {"a", "a-b", "ab", "a.b", "b", "", "default", "kube-system", "x1", "x"};
        List<PolicyOrigin> origins = new ArrayList<>();
        for (PolicyKind kind : PolicyKind.values()) {
            for (String ns : parts) {
                for (String name : parts) {
                    if (!name.isEmpty()) {
                        origins.add(new PolicyOrigin(kind, ns.isEmpty() ? null : ns, name));
                    }
                }
            }
        }
        Random rnd = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            PolicyOrigin a = origins.get(rnd.nextInt(origins.size()));
            PolicyOrigin b = origins.get(rnd.nextInt(origins.size()));
            assertThat(Integer.signum(a.compareTo(b))).as("%s vs %s", a, b)
                    .isEqualTo(Integer.signum(a.toString().compareTo(b.toString())));
        }
    }
}
