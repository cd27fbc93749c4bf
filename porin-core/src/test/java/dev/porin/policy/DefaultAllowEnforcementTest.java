// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.identity.Identity;
import dev.porin.identity.IdentityAllocator;
import dev.porin.identity.SecurityLabels;
import dev.porin.k8s.Resource;
import dev.porin.k8s.ResourceParser;
import dev.porin.policy.api.Direction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rules with {@code enableDefaultDeny: false}: the direction is enforced (so that their denies apply) but
 * everything they do not deny stays allowed, until some policy asks for default deny.
 */
class DefaultAllowEnforcementTest {

    private static final int TCP = 6;

    private static final String DENY_TO_Z = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: not-to-z, namespace: y}
            spec:
              endpointSelector: {}
              enableDefaultDeny:
                egress: false
              egressDeny:
              - toEndpoints:
                - matchLabels: {k8s:io.kubernetes.pod.namespace: z}
            """;

    private static final String ISOLATE_Y = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: isolate, namespace: y}
            spec:
              podSelector: {}
              policyTypes: [Egress]
            """;

    private PolicyEngine engine;
    private Identity inY;
    private Identity inZ;
    private Identity inX;

    @BeforeEach
    void setUp() {
        engine = new PolicyEngine(new IdentityAllocator(), List.of(BuiltinRules.allowLocalhost()));
        inY = engine.acquireIdentity(pod("y"));
        inZ = engine.acquireIdentity(pod("z"));
        inX = engine.acquireIdentity(pod("x"));
        engine.upsertEndpoint(1, inY, List.of());
    }

    private static dev.porin.labels.Labels pod(String namespace) {
        return SecurityLabels.forPod(namespace, Map.of("app", "a"), Map.of("kubernetes.io/metadata.name", namespace),
                "default");
    }

    private void apply(String yaml) {
        Resource.PolicyResource p = (Resource.PolicyResource) ResourceParser.parse(yaml, "test.yaml").getFirst();
        engine.setPolicy(p.origin(), p.rules());
    }

    private void delete(String yaml) {
        Resource.PolicyResource p = (Resource.PolicyResource) ResourceParser.parse(yaml, "test.yaml").getFirst();
        engine.setPolicy(p.origin(), List.of());
    }

    private boolean egressAllowed(Identity to) {
        Enforcement e = engine.enforcement(1);
        return !e.egress() || PolicyLookup.lookup(engine.entries(1), to.id(), Direction.EGRESS, TCP, 80).allowed();
    }

    @Test
    void aDenyWithoutDefaultDenyDropsOnlyWhatItDenies() {
        apply(DENY_TO_Z);

        Enforcement e = engine.enforcement(1);
        assertThat(e.egress()).as("egress enforced").isTrue();
        assertThat(e.egressBy()).as("default-deny by").isEmpty();
        assertThat(e.defaultAllow(Direction.EGRESS)).isTrue();
        assertThat(e.ingress()).as("ingress enforced").isFalse();
        assertThat(egressAllowed(inZ)).as("to z").isFalse();
        assertThat(egressAllowed(inX)).as("to x").isTrue();
        assertThat(PolicyLookup.lookup(engine.entries(1), inX.id(), Direction.EGRESS, TCP, 80).entry().cookie())
                .extracting(engine::attribution).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .containsExactly(BuiltinRules.defaultAllow(Direction.EGRESS));
    }

    @Test
    void aDefaultDenyPolicyTakesTheAllowAllAway() {
        apply(DENY_TO_Z);
        apply(ISOLATE_Y);

        assertThat(engine.enforcement(1).defaultAllow(Direction.EGRESS)).isFalse();
        assertThat(egressAllowed(inX)).as("to x").isFalse();
        assertThat(egressAllowed(inZ)).as("to z").isFalse();

        delete(ISOLATE_Y);
        assertThat(egressAllowed(inX)).as("to x once the isolation is gone").isTrue();
        assertThat(egressAllowed(inZ)).as("to z once the isolation is gone").isFalse();
    }

    @Test
    void withoutPoliciesNothingIsEnforcedAndNothingIsLeftBehind() {
        apply(DENY_TO_Z);
        delete(DENY_TO_Z);

        assertThat(engine.enforcement(1)).isEqualTo(Enforcement.NONE);
        assertThat(engine.entries(1).keySet()).noneMatch(k -> k.direction() == Direction.EGRESS);
    }

    @Test
    void namedPortChangesKeepTheAllowAll() {
        apply(DENY_TO_Z);
        engine.setClusterNamedPorts(Map.of("web", java.util.Set.of(new NamedPort("web", 8080,
                dev.porin.policy.api.Protocol.TCP))));

        assertThat(egressAllowed(inX)).as("to x").isTrue();
        assertThat(egressAllowed(inZ)).as("to z").isFalse();
    }
}
