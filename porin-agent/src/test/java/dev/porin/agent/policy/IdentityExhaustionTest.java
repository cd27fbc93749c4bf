// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.policy;

import ch.qos.logback.classic.Level;
import dev.porin.endpoint.Endpoint;
import dev.porin.identity.Identity;
import dev.porin.policy.PolicyKey;
import dev.porin.testing.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.porin.agent.policy.PolicyManagerEndpointTest.SERVER_FROM_CLIENTS;
import static dev.porin.datapath.maps.EndpointMap.F_POLICY_EGRESS;
import static dev.porin.datapath.maps.EndpointMap.F_POLICY_INGRESS;
import static dev.porin.policy.api.Direction.EGRESS;
import static dev.porin.policy.api.Direction.INGRESS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No cluster identity left for an endpoint's labels: the endpoint gets the reserved {@code init} identity and
 * default deny both ways (it fails closed), it is reported, and it gets a real identity as soon as one is
 * free.
 */
class IdentityExhaustionTest {

    private static final int LAST = 40000;
    private static final int DENY_BOTH = F_POLICY_INGRESS | F_POLICY_EGRESS;

    @TempDir
    Path stateDir;

    private CapturedLogs logs;

    @BeforeEach
    void captureLogs() {
        logs = CapturedLogs.of(PolicyManager.class);
    }

    @AfterEach
    void releaseLogs() {
        logs.close();
    }

    @Test
    void anEndpointWithoutAnIdentityIsIsolatedUnderTheInitIdentity() {
        PolicyNode node = PolicyNode.withClusterIdentitiesTaken(stateDir, Set.of());

        Endpoint ep = node.add("web", Map.of("app", "web"));

        assertThat(node.endpoint(ep).identity()).isEqualTo(Identity.INIT);
        assertThat(node.lxc(ep).identity()).isEqualTo(Identity.INIT);
        assertThat(node.lxc(ep).flags()).as("default deny in both directions").isEqualTo(DENY_BOTH);
        assertThat(node.ipcache(ep.ipv4())).contains(Identity.INIT);
        assertThat(node.policyMap(ep).keySet()).as("only the local host may reach it")
                .containsExactly(PolicyKey.l3(Identity.HOST, INGRESS));
        assertThat(node.policy().isolatedEndpoints()).containsExactly(ep.id());
    }

    @Test
    void onlyRulesThatSelectTheInitIdentityApplyToAnIsolatedEndpoint() {
        PolicyNode node = PolicyNode.withClusterIdentitiesTaken(stateDir, Set.of());
        Endpoint ep = node.add("web", Map.of("app", "web"));

        node.apply("""
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: all-in-default, namespace: default}
                spec:
                  endpointSelector: {}
                  egress:
                  - toEntities: [world]
                ---
                apiVersion: cilium.io/v2
                kind: CiliumClusterwideNetworkPolicy
                metadata: {name: everyone-may-resolve}
                spec:
                  endpointSelector: {}
                  egress:
                  - toCIDR: [192.0.2.53/32]
                """);

        int dns = node.ipcache("192.0.2.53/32").orElseThrow();
        assertThat(node.policyMap(ep).keySet()).as("a namespaced policy selects pods of its namespace only;"
                + " a clusterwide one with an empty selector selects every endpoint, init included")
                .containsExactly(PolicyKey.l3(Identity.HOST, INGRESS), PolicyKey.l3(dns, EGRESS));
        assertThat(node.lxc(ep).flags()).isEqualTo(DENY_BOTH);
    }

    @Test
    void anErrorSaysWhichEndpointIsIsolatedAndWhy() {
        PolicyNode node = PolicyNode.withClusterIdentitiesTaken(stateDir, Set.of());

        Endpoint ep = node.add("web", Map.of("app", "web"));
        node.apply(SERVER_FROM_CLIENTS);

        assertThat(logs.at(Level.ERROR)).as("once, not on every change").singleElement().satisfies(e -> {
            assertThat(CapturedLogs.value(e, "endpointID")).isEqualTo(ep.id());
            assertThat(e.getFormattedMessage()).contains("cluster identity space", "exhausted", "isolated");
        });
    }

    @Test
    void anEndpointWithAnIdentityIsNotIsolated() {
        PolicyNode node = PolicyNode.withClusterIdentitiesTaken(stateDir, Set.of(LAST));

        Endpoint first = node.add("first", Map.of("app", "first"));
        Endpoint twin = node.add("twin", Map.of("app", "first"));
        Endpoint second = node.add("second", Map.of("app", "second"));

        assertThat(node.endpoint(first).identity()).isEqualTo(LAST);
        assertThat(node.endpoint(twin).identity()).as("known labels still resolve").isEqualTo(LAST);
        assertThat(node.lxc(first).flags()).isZero();
        assertThat(node.endpoint(second).identity()).isEqualTo(Identity.INIT);
        assertThat(node.policy().isolatedEndpoints()).containsExactly(second.id());
    }

    @Test
    void anIsolatedEndpointGetsTheIdentityARemovedEndpointFrees() {
        PolicyNode node = PolicyNode.withClusterIdentitiesTaken(stateDir, Set.of(LAST));
        Endpoint first = node.add("first", Map.of("app", "first"));
        Endpoint second = node.add("second", Map.of("app", "client"));
        Endpoint server = node.add("server", Map.of("app", "server"));
        node.apply(SERVER_FROM_CLIENTS);
        assertThat(node.policy().isolatedEndpoints()).containsExactly(second.id(), server.id());

        node.remove(first);

        assertThat(node.endpoint(second).identity()).isEqualTo(LAST);
        assertThat(node.lxc(second).identity()).isEqualTo(LAST);
        assertThat(node.lxc(second).flags()).as("no policy selects it").isZero();
        assertThat(node.ipcache(second.ipv4())).contains(LAST);
        assertThat(node.policy().isolatedEndpoints()).as("no number left for the server").containsExactly(server.id());
        assertThat(logs.at(Level.INFO)).anySatisfy(e -> {
            assertThat(CapturedLogs.value(e, "endpointID")).isEqualTo(second.id());
            assertThat(e.getFormattedMessage()).contains("no longer isolated");
        });
    }

    @Test
    void aNumberFreedByALabelChangeGoesToAnIsolatedEndpoint() {
        PolicyNode node = PolicyNode.withClusterIdentitiesTaken(stateDir, Set.of(LAST, LAST + 1));
        Endpoint server = node.add("server", Map.of("app", "server"));
        Endpoint client = node.add("client", Map.of("app", "client"));
        Endpoint moving = node.add("moving", Map.of("app", "other"));
        node.apply(SERVER_FROM_CLIENTS);
        assertThat(node.policy().isolatedEndpoints()).containsExactly(moving.id());

        // the client takes the server's labels: it shares the server's identity and frees its own number
        node.policy().changeLabels(client.id(), Map.of("app", "server"), List.of());

        int clientIdentity = node.endpoint(client).identity();
        assertThat(clientIdentity).isEqualTo(node.endpoint(server).identity());
        assertThat(node.policy().isolatedEndpoints()).isEmpty();
        int movingIdentity = node.endpoint(moving).identity();
        assertThat(movingIdentity).isBetween(LAST, LAST + 1);
        assertThat(node.lxc(moving).identity()).isEqualTo(movingIdentity);
        assertThat(node.ipcache(moving.ipv4())).contains(movingIdentity);
        assertThat(node.lxc(moving).flags()).isZero();
    }

    @Test
    void aPodObjectGivingAnIsolatedEndpointKnownLabelsEndsItsIsolation() {
        PolicyNode node = PolicyNode.withClusterIdentitiesTaken(stateDir, Set.of(LAST));
        Endpoint server = node.add("server", Map.of("app", "server"));
        Endpoint client = node.add("client", Map.of("app", "client"));
        assertThat(node.policy().isolatedEndpoints()).containsExactly(client.id());

        // A Pod object that gives the client the labels (and so the identity) the server has
        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: client, namespace: default, labels: {app: server}}
                """);

        assertThat(node.policy().isolatedEndpoints()).isEmpty();
        assertThat(node.endpoint(client).identity()).isEqualTo(node.endpoint(server).identity());
        assertThat(node.lxc(client).flags()).isZero();
    }

    @Test
    void aLabelChangeWithNoNumberLeftIsolatesTheEndpoint() {
        PolicyNode node = PolicyNode.withClusterIdentitiesTaken(stateDir, Set.of(LAST));
        Endpoint a = node.add("a", Map.of("app", "a"));
        Endpoint twin = node.add("twin", Map.of("app", "a"));

        node.policy().changeLabels(a.id(), Map.of("app", "b"), List.of());

        assertThat(node.endpoint(a).identity()).isEqualTo(Identity.INIT);
        assertThat(node.lxc(a).flags()).isEqualTo(DENY_BOTH);
        assertThat(node.ipcache(a.ipv4())).contains(Identity.INIT);
        assertThat(node.endpoint(twin).identity()).isEqualTo(LAST);
        assertThat(node.policy().isolatedEndpoints()).containsExactly(a.id());
    }

    @Test
    void aLabelChangeOfTheOnlyHolderReusesItsOwnNumber() {
        PolicyNode node = PolicyNode.withClusterIdentitiesTaken(stateDir, Set.of(LAST));
        Endpoint a = node.add("a", Map.of("app", "a"));

        node.policy().changeLabels(a.id(), Map.of("app", "b"), List.of());

        assertThat(node.endpoint(a).identity()).isEqualTo(LAST);
        assertThat(node.policy().engine().identity(LAST).orElseThrow().labels().strings()).contains("k8s:app=b");
        assertThat(node.policy().isolatedEndpoints()).isEmpty();
    }

    @Test
    void anEndpointIsolatedWhileRestoringGetsAnIdentityOnceStaleNumbersAreReleased() {
        PolicyNode node = PolicyNode.start(stateDir);
        Endpoint ep = node.add("web", Map.of("app", "web"));
        // Another run left identities.json with every number taken by labels no endpoint has any more.
        PolicyNode.takeClusterIdentities(stateDir, Set.of());

        node.restart();

        assertThat(logs.at(Level.ERROR)).as("isolated while restoring").isNotEmpty();
        assertThat(node.policy().isolatedEndpoints()).isEmpty();
        int identity = node.endpoint(ep).identity();
        assertThat(identity).isBetween(Identity.MIN_CLUSTER, Identity.MAX_CLUSTER);
        assertThat(node.lxc(ep).identity()).isEqualTo(identity);
        assertThat(node.lxc(ep).flags()).isZero();
        assertThat(node.ipcache(ep.ipv4())).contains(identity);
    }
}
