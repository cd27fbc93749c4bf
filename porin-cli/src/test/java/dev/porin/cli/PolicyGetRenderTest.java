// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli;

import dev.porin.api.v1.EndpointPolicyModel;
import dev.porin.api.v1.EndpointPolicyModel.Entry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyGetRenderTest {

    private static Entry entry(String action, int identity) {
        return new Entry(action, "Ingress", identity, List.of("cidr:198.18.0." + identity + "/32"), "ANY", 0, 1,
                List.of("default/server (CiliumNetworkPolicy) rule 0 ingress[0]"));
    }

    private static EndpointPolicyModel policy(int notInstalled, Entry... entries) {
        return new EndpointPolicyModel(7, 300, new EndpointPolicyModel.Enforcement(true, false, false,
                List.of("default/server (CiliumNetworkPolicy)"), List.of()), List.of(entries), 256, notInstalled, 9);
    }

    @Test
    void aFullMapSaysHowManyEntriesAreLeftOutAndWhichOnes() {
        String out = BpfCommand.Policy.GetCommand.render(policy(2, entry("Allow", 1), entry("Deny", 2),
                entry("Allow", 3), entry("Allow", 4)), true);

        assertThat(out).contains("WARNING: the map is full (256 entries): 2 entries are not installed and their"
                + " traffic is dropped: the last 2 Allow entries below\n");
    }

    @Test
    void whenEvenTheDeniesDoNotFitEveryAllowIsLeftOut() {
        String out = BpfCommand.Policy.GetCommand.render(policy(3, entry("Deny", 1), entry("Allow", 2),
                entry("Deny", 3), entry("Allow", 4)), true);

        assertThat(out).contains(": every Allow entry and the last 1 Deny entries below\n");
    }

    @Test
    void noWarningWhenEverythingFits() {
        assertThat(BpfCommand.Policy.GetCommand.render(policy(0, entry("Allow", 1)), true)).doesNotContain("WARNING");
    }
}
