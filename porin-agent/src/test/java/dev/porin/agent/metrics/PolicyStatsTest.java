// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.metrics;

import dev.porin.identity.IdentityAllocator;
import dev.porin.identity.ReservedIdentities;
import dev.porin.k8s.Resource;
import dev.porin.k8s.ResourceParser;
import dev.porin.labels.Label;
import dev.porin.labels.Labels;
import dev.porin.policy.PolicyEngine;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyStatsTest {

    private static final String POLICY = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata:
              name: web
              namespace: default
            specs:
            - endpointSelector: {matchLabels: {app: web}}
              egress:
              - toCIDR: [192.0.2.0/24]
            - endpointSelector: {matchLabels: {app: db}}
              ingress:
              - fromEndpoints: [{matchLabels: {app: web}}]
            """;

    @Test
    void countsRulesRevisionAndIdentitiesByType() {
        PolicyEngine engine = new PolicyEngine(new IdentityAllocator(), List.of());
        engine.acquireIdentity(Labels.of(Label.k8s("app", "web")));
        engine.acquireIdentity(Labels.of(Label.k8s("app", "db")));
        Resource.PolicyResource policy = (Resource.PolicyResource) ResourceParser.parse(POLICY, "test").getFirst();
        engine.setPolicy(policy.origin(), policy.rules());
        engine.drain();

        PolicyStats stats = PolicyStats.of(engine);

        assertThat(stats.rules()).isEqualTo(2);
        assertThat(stats.revision()).isEqualTo(engine.revision()).isGreaterThan(1);
        assertThat(stats.identities()).containsEntry("reserved", ReservedIdentities.ALL.size())
                .containsEntry("cluster_local", 2)
                .containsEntry("node_local", 1);
    }

    @Test
    void everyTypeIsThereEvenWhenNone() {
        PolicyStats stats = PolicyStats.of(new PolicyEngine(new IdentityAllocator(), List.of()));

        assertThat(stats.rules()).isZero();
        assertThat(stats.identities()).containsOnlyKeys(PolicyStats.IDENTITY_TYPES)
                .containsEntry("cluster_local", 0).containsEntry("node_local", 0);
    }
}
