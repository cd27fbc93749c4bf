// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.metrics;

import dev.porin.datapath.events.Packet;
import dev.porin.hubble.flow.TraceObservationPoint;
import dev.porin.hubble.flow.TraceReason;
import dev.porin.hubble.flow.TrafficDirection;
import dev.porin.hubble.flow.Verdict;
import dev.porin.labels.Labels;
import dev.porin.observe.Flow;
import dev.porin.observe.FlowEndpoint;
import dev.porin.observe.PolicyCause;
import dev.porin.policy.api.PolicyKind;
import dev.porin.policy.api.PolicyOrigin;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyVerdictMetricsTest {

    private static final PolicyOrigin DB = new PolicyOrigin(PolicyKind.CILIUM_NETWORK_POLICY, "default", "allow-app-to-db");
    private static final PolicyOrigin LOCKDOWN = new PolicyOrigin(PolicyKind.CILIUM_CLUSTERWIDE_NETWORK_POLICY, null, "lockdown");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PolicyVerdictMetrics metrics = new PolicyVerdictMetrics(registry);

    private double value(String namespace, String policy, String kind, String direction, String action, String by) {
        return Scrape.value(registry, "porin_policy_verdicts_by_policy_total", "namespace", namespace, "policy", policy,
                "kind", kind, "direction", direction, "action", action, "decided_by", by);
    }

    private static Flow verdict(Verdict v, TrafficDirection dir, List<PolicyCause> allowed, List<PolicyCause> denied,
                                int type) {
        FlowEndpoint ep = FlowEndpoint.ofIdentity(300, Labels.EMPTY);
        return new Flow(0, v, v == Verdict.DROPPED ? 133 : 0, type, 0, ep, ep,
                Packet.NONE, 60, dir, null, TraceObservationPoint.UNKNOWN_POINT, TraceReason.TRACE_REASON_UNKNOWN, 2,
                0, 0, 1, allowed, denied, 1);
    }

    @Test
    void countsEachVerdictAgainstThePoliciesThatDecidedIt() {
        PolicyCause rule = new PolicyCause(DB, "rule 0 ingress[0]");
        metrics.flow(verdict(Verdict.FORWARDED, TrafficDirection.INGRESS, List.of(rule), List.of(), Flow.TYPE_POLICY_VERDICT));
        metrics.flow(verdict(Verdict.FORWARDED, TrafficDirection.INGRESS, List.of(rule), List.of(), Flow.TYPE_POLICY_VERDICT));
        metrics.flow(verdict(Verdict.DROPPED, TrafficDirection.INGRESS, List.of(),
                List.of(PolicyCause.defaultDeny(DB), PolicyCause.defaultDeny(LOCKDOWN)), Flow.TYPE_POLICY_VERDICT));
        metrics.flow(verdict(Verdict.AUDIT, TrafficDirection.EGRESS, List.of(), List.of(PolicyCause.defaultDeny(LOCKDOWN)),
                Flow.TYPE_POLICY_VERDICT));

        assertThat(value("default", "allow-app-to-db", "CiliumNetworkPolicy", "ingress", "allow", "rule")).isEqualTo(2);
        assertThat(value("default", "allow-app-to-db", "CiliumNetworkPolicy", "ingress", "deny", "default-deny")).isEqualTo(1);
        assertThat(value("", "lockdown", "CiliumClusterwideNetworkPolicy", "ingress", "deny", "default-deny")).isEqualTo(1);
        assertThat(value("", "lockdown", "CiliumClusterwideNetworkPolicy", "egress", "audit", "default-deny")).isEqualTo(1);
    }

    @Test
    void dropEventsAreNotCountedTwice() {
        metrics.flow(verdict(Verdict.DROPPED, TrafficDirection.INGRESS, List.of(), List.of(PolicyCause.defaultDeny(DB)),
                Flow.TYPE_DROP));
        assertThat(Scrape.value(registry, "porin_policy_verdicts_by_policy_total", "namespace", "default", "policy",
                "allow-app-to-db", "kind", "CiliumNetworkPolicy", "direction", "ingress", "action", "deny",
                "decided_by", "default-deny")).isZero();
    }
}
