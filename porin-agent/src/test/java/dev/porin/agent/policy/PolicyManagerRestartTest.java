// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.policy;

import dev.porin.endpoint.Endpoint;
import dev.porin.policy.PolicyEntry;
import dev.porin.policy.PolicyKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.porin.agent.policy.PolicyManagerEndpointTest.SERVER_FROM_CLIENTS;
import static dev.porin.datapath.maps.EndpointMap.F_POLICY_INGRESS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The policy revision, which makes the datapath check established connections again, and what a restarted
 * agent finds and keeps.
 */
class PolicyManagerRestartTest {

    @TempDir
    Path stateDir;

    @Test
    void theRevisionRisesWithEveryChange() {
        PolicyNode node = PolicyNode.start(stateDir);
        List<Long> revisions = new ArrayList<>(List.of(node.revision()));

        Endpoint server = node.add("server", Map.of("app", "server"));
        revisions.add(node.revision());
        Endpoint client = node.add("client", Map.of("app", "client"));
        revisions.add(node.revision());
        node.apply(SERVER_FROM_CLIENTS);
        revisions.add(node.revision());
        node.policy().changeLabels(client.id(), Map.of("app", "other"), List.of());
        revisions.add(node.revision());
        node.delete(SERVER_FROM_CLIENTS);
        revisions.add(node.revision());
        node.remove(client);
        revisions.add(node.revision());
        node.remove(server);
        revisions.add(node.revision());

        assertThat(revisions).doesNotHaveDuplicates().isSorted();
        assertThat(node.revision()).as("the datapath holds the engine's").isEqualTo(node.policy().engine().revision());
    }

    @Test
    void theRevisionKeepsRisingAcrossARestart() {
        PolicyNode node = PolicyNode.start(stateDir);
        node.add("server", Map.of("app", "server"));
        node.apply(SERVER_FROM_CLIENTS);
        long before = node.revision();

        node.restart();

        long restarted = node.revision();
        assertThat(restarted).isGreaterThan(before);
        assertThat(node.policy().engine().revision()).isEqualTo(restarted);
        node.add("client", Map.of("app", "client"));
        assertThat(node.revision()).isGreaterThan(restarted);
    }

    @Test
    void aRestartedAgentKeepsIdentitiesMapsAndFlags() {
        PolicyNode node = PolicyNode.start(stateDir);
        Endpoint server = node.add("server", Map.of("app", "server"));
        Endpoint client = node.add("client", Map.of("app", "client"));
        node.apply(SERVER_FROM_CLIENTS);
        int serverIdentity = node.endpoint(server).identity();
        int clientIdentity = node.endpoint(client).identity();
        Map<PolicyKey, PolicyEntry> serverMap = node.policyMap(server);

        node.restart();

        assertThat(node.endpoint(server).identity()).isEqualTo(serverIdentity);
        assertThat(node.endpoint(client).identity()).isEqualTo(clientIdentity);
        assertThat(node.ipcache(client.ipv4())).contains(clientIdentity);
        assertThat(node.policyMap(server)).isEqualTo(serverMap);
        assertThat(node.lxc(server).flags()).isEqualTo(F_POLICY_INGRESS);
        assertThat(node.policy().resources()).hasSize(1);
    }

    @Test
    void aRestartRemovesWhatPolicyNoLongerWants() {
        PolicyNode node = PolicyNode.start(stateDir);
        Endpoint server = node.add("server", Map.of("app", "server"));
        Endpoint client = node.add("client", Map.of("app", "client"));
        node.apply(SERVER_FROM_CLIENTS);
        Map<PolicyKey, PolicyEntry> wanted = node.policyMap(server);
        // A pod deleted while the agent was down: its veth is gone, its map and IP cache entry are not.
        node.node().network().deleteLink(client.hostIfname());

        node.restart();

        assertThat(node.policyMaps()).containsExactly(server.id());
        assertThat(node.ipcache(client.ipv4())).isEmpty();
        assertThat(node.policyMap(server)).hasSize(wanted.size() - 1)
                .doesNotContainKey(PolicyKey.l3(client.identity(), dev.porin.policy.api.Direction.INGRESS));
    }
}
