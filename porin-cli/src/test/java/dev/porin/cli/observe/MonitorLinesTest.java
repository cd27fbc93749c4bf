// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.observe;

import dev.porin.api.Json;
import dev.porin.api.v1.MonitorEventModel;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Monitor events, as the agent streams them, in {@code cilium-dbg monitor}'s lines. */
class MonitorLinesTest {

    private static final String SUMMARY = "10.202.7.13:39000 -> 10.202.7.12:8080 tcp SYN";

    private static MonitorEventModel drop(List<String> policies) {
        return new MonitorEventModel("drop", "2025-03-04T10:20:30.250Z", "0x1a2b3c", 1202, 1202, 302, 301,
                List.of("k8s:app=intruder"), List.of("k8s:app=server"), 14, 74, 133, "Policy denied", null, null,
                "ingress", null, null, null, null, null, policies, SUMMARY, null, null);
    }

    private static MonitorEventModel trace(String point, int srcIdentity) {
        return new MonitorEventModel("trace", "2025-03-04T10:20:30.250Z", "0x1a2b3c", 1201, 1202, srcIdentity, 301,
                List.of(), List.of(), 14, 74, null, null, point, "new", null, null, null, null, null, null, null,
                "10.202.7.11:41234 -> 10.202.7.12:8080 tcp SYN", null, null);
    }

    @Test
    void dropNamesReasonEndpointsIdentitiesAndThePolicy() {
        assertThat(MonitorLines.line(drop(List.of("default/client-to-server (CiliumNetworkPolicy) default deny")), false))
                .isEqualTo("xx drop (Policy denied) flow 0x1a2b3c to endpoint 1202, ifindex 14, file bpf_lxc.c:0, ,"
                        + " identity 302->301: " + SUMMARY
                        + " by default/client-to-server (CiliumNetworkPolicy) default deny");
    }

    @Test
    void dropWithoutPolicyEndsAtTheSummary() {
        assertThat(MonitorLines.line(drop(null), false)).endsWith("identity 302->301: " + SUMMARY);
    }

    @Test
    void traceToAnEndpointAndToTheStack() {
        assertThat(MonitorLines.line(trace("to-endpoint", 300), false)).isEqualTo(
                "-> endpoint 1202 flow 0x1a2b3c , identity 300->301 state new ifindex 14 orig-ip 0.0.0.0:"
                        + " 10.202.7.11:41234 -> 10.202.7.12:8080 tcp SYN");
        assertThat(MonitorLines.line(trace("to-stack", 300), false)).startsWith("-> stack flow 0x1a2b3c , identity");
        assertThat(MonitorLines.line(trace("from-endpoint", 300), false)).startsWith("<- endpoint 1201 flow");
        assertThat(MonitorLines.line(trace("from-network", 300), false)).startsWith("<- network flow");
    }

    @Test
    void reservedIdentitiesByNameUnlessNumeric() {
        assertThat(MonitorLines.line(trace("to-endpoint", 2), false)).contains(", identity world->301 state");
        assertThat(MonitorLines.line(trace("to-endpoint", 2), true)).contains(", identity 2->301 state");
    }

    @Test
    void policyVerdictSaysActionMatchAndWhichRuleAllowed() {
        MonitorEventModel verdict = new MonitorEventModel("policy-verdict", "2025-03-04T10:20:30.250Z", "0x1a2b3c", 1202,
                1202, 300, 301, List.of(), List.of(), null, 74, null, null, null, null, "ingress", "allow", "L3-L4",
                300, 6, 8080, List.of("default/client-to-server (CiliumNetworkPolicy) rule 0 ingress[0]"),
                "10.202.7.11:41234 -> 10.202.7.12:8080 tcp SYN", null, null);

        assertThat(MonitorLines.line(verdict, false)).isEqualTo(
                "Policy verdict log: flow 0x1a2b3c local EP ID 1202, remote ID 300, proto 6, ingress, action allow,"
                        + " auth: disabled, match L3-L4, 10.202.7.11:41234 -> 10.202.7.12:8080 tcp SYN"
                        + " by default/client-to-server (CiliumNetworkPolicy) rule 0 ingress[0]");
    }

    @Test
    void lostEventsSayHowManyAndWhere() {
        MonitorEventModel lost = Json.MAPPER.readValue(
                "{\"type\":\"lost\",\"time\":\"2025-03-04T10:20:30Z\",\"lost\":17,\"lostSource\":\"perf_event_ring_buffer\"}",
                MonitorEventModel.class);

        assertThat(MonitorLines.line(lost, false)).isEqualTo("Lost 17 events (perf_event_ring_buffer)");
    }
}
