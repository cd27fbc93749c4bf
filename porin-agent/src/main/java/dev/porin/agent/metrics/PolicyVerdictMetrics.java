// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.metrics;

import dev.porin.hubble.flow.TrafficDirection;
import dev.porin.hubble.flow.Verdict;
import dev.porin.observe.Flow;
import dev.porin.observe.FlowListener;
import dev.porin.observe.PolicyCause;
import dev.porin.policy.api.PolicyOrigin;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Policy verdicts by the policy that decided them: {@code porin_policy_verdicts_by_policy_total} with the
 * policy's namespace, name and kind, the direction, the action ({@code allow}, {@code deny}, {@code audit})
 * and whether a rule decided or the policy only made the endpoint default-deny. Its answer to "which policy
 * drops my traffic, and how often". One series per policy, direction and outcome: bounded by the policies
 * in force.
 */
final class PolicyVerdictMetrics implements FlowListener {

    private static final String[] ACTIONS = {"allow", "deny", "audit"};

    private final Counter counter;
    /** Data points per policy; index: direction (0 ingress, 1 egress) * 6 + action * 2 + default-deny. */
    private final Map<PolicyOrigin, CounterDataPoint[]> points = new HashMap<>();

    PolicyVerdictMetrics(PrometheusRegistry registry) {
        counter = Counter.builder().name("porin_policy_verdicts_by_policy_total")
                .help("Policy verdicts by the policy that decided them")
                .labelNames("namespace", "policy", "kind", "direction", "action", "decided_by")
                .withoutExemplars().register(registry);
    }

    @Override
    public void flow(Flow f) {
        if (f.eventType() != Flow.TYPE_POLICY_VERDICT) {
            return;
        }
        int action = switch (f.verdict()) {
            case FORWARDED, REDIRECTED -> 0;
            case DROPPED -> 1;
            case AUDIT -> 2;
            default -> -1;
        };
        if (action < 0) {
            return;
        }
        int direction = f.direction() == TrafficDirection.EGRESS ? 1 : 0;
        List<PolicyCause> causes = f.verdict() == Verdict.FORWARDED || f.verdict() == Verdict.REDIRECTED
                ? f.allowedBy() : f.deniedBy();
        for (PolicyCause c : causes) {
            int index = direction * 6 + action * 2 + (c.isDefaultDeny() ? 1 : 0);
            CounterDataPoint[] forPolicy = points.computeIfAbsent(c.origin(), o -> new CounterDataPoint[12]);
            CounterDataPoint p = forPolicy[index];
            if (p == null) {
                PolicyOrigin o = c.origin();
                p = counter.labelValues(o.namespace() == null ? "" : o.namespace(), o.name(), o.kind().kind(),
                        direction == 0 ? "ingress" : "egress", ACTIONS[action], c.isDefaultDeny() ? "default-deny" : "rule");
                forPolicy[index] = p;
            }
            p.inc();
        }
    }
}
