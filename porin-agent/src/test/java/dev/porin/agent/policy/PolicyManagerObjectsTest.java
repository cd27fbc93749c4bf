// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.policy;

import dev.porin.endpoint.Endpoint;
import dev.porin.identity.Identity;
import dev.porin.net.Ipv4Prefix;
import dev.porin.policy.PolicyEntry;
import dev.porin.policy.PolicyKey;
import dev.porin.policy.api.PolicyValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static dev.porin.agent.policy.PolicyManagerEndpointTest.SERVER_FROM_CLIENTS;
import static dev.porin.agent.policy.PolicyManagerEndpointTest.keys;
import static dev.porin.datapath.maps.EndpointMap.F_POLICY_EGRESS;
import static dev.porin.datapath.maps.EndpointMap.F_POLICY_INGRESS;
import static dev.porin.policy.api.Direction.EGRESS;
import static dev.porin.policy.api.Direction.INGRESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Objects applied and deleted as YAML, and what they change in the maps: exactly what they are about. */
class PolicyManagerObjectsTest {

    private static final String CLIENT_EGRESS_TO_DNS = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: client, namespace: default}
            spec:
              endpointSelector:
                matchLabels: {app: client}
              egress:
              - toCIDR: [192.0.2.53/32]
                toPorts:
                - ports: [{port: "53", protocol: UDP}]
            """;

    private static final String FROM_BLUE_NAMESPACES = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: from-blue, namespace: default}
            spec:
              podSelector:
                matchLabels: {app: server}
              ingress:
              - from:
                - namespaceSelector:
                    matchLabels: {team: blue}
                ports:
                - {port: 8080, protocol: TCP}
            """;

    @TempDir
    Path stateDir;

    @Test
    void aCiliumNetworkPolicyWritesTheAllowsOfTheEndpointsItSelects() {
        PolicyNode node = PolicyNode.start(stateDir);
        Endpoint client = node.add("client", Map.of("app", "client"));

        node.apply(CLIENT_EGRESS_TO_DNS);

        int dns = node.ipcache("192.0.2.53/32").orElseThrow();
        assertThat(dns & Identity.LOCAL_SCOPE).as("a CIDR identity, in the IP cache").isNotZero();
        assertThat(keys(node.policyMap(client))).containsExactly(PolicyKey.l3(Identity.HOST, INGRESS),
                PolicyKey.exact(dns, EGRESS, 17, 53));
        assertThat(node.policyMap(client).values()).noneMatch(PolicyEntry::deny);
        assertThat(node.lxc(client).flags()).isEqualTo(F_POLICY_EGRESS);
    }

    @Test
    void applyingAPolicyWritesOnlyTheMapsOfEndpointsItChanges() {
        PolicyNode node = PolicyNode.start(stateDir);
        Endpoint server = node.add("server", Map.of("app", "server"));
        Endpoint client = node.add("client", Map.of("app", "client"));
        node.apply(SERVER_FROM_CLIENTS);
        Map<PolicyKey, PolicyEntry> serverMap = node.policyMap(server);
        int serverWrites = node.policyMapWrites(server);
        int clientWrites = node.policyMapWrites(client);

        node.apply(CLIENT_EGRESS_TO_DNS);

        assertThat(node.policyMapWrites(server)).as("the server's map is not touched").isEqualTo(serverWrites);
        assertThat(node.policyMap(server)).isEqualTo(serverMap);
        assertThat(node.policyMapWrites(client)).as("one new entry in the client's").isEqualTo(clientWrites + 1);
    }

    @Test
    void applyingTheSameFileAgainWritesNothing() {
        PolicyNode node = PolicyNode.start(stateDir);
        Endpoint server = node.add("server", Map.of("app", "server"));
        node.add("client", Map.of("app", "client"));
        node.apply(SERVER_FROM_CLIENTS);
        int writes = node.policyMapWrites(server);
        long revision = node.revision();

        assertThat(node.apply(SERVER_FROM_CLIENTS)).extracting(AppliedObject::action)
                .containsExactly(AppliedObject.Action.UNCHANGED);

        assertThat(node.policyMapWrites(server)).isEqualTo(writes);
        assertThat(node.revision()).isEqualTo(revision);
    }

    @Test
    void deletingAPolicyRemovesItsEntriesAndItsEnforcement() {
        PolicyNode node = PolicyNode.start(stateDir);
        Endpoint server = node.add("server", Map.of("app", "server"));
        Endpoint client = node.add("client", Map.of("app", "client"));
        node.apply(SERVER_FROM_CLIENTS);
        node.apply(CLIENT_EGRESS_TO_DNS);

        node.delete(CLIENT_EGRESS_TO_DNS);

        assertThat(keys(node.policyMap(client))).containsExactly(PolicyKey.l3(Identity.HOST, INGRESS));
        assertThat(node.lxc(client).flags()).isZero();
        assertThat(node.ipcache("192.0.2.53/32")).as("the CIDR identity goes with the last policy naming it").isEmpty();
        assertThat(node.lxc(server).flags()).as("other policies stay").isEqualTo(F_POLICY_INGRESS);
        assertThat(node.policyMap(server)).containsKey(PolicyKey.l3(node.endpoint(client).identity(), INGRESS));
        assertThat(node.policy().resources()).hasSize(1);
    }

    @Test
    void aFileWithOneBadDocumentChangesNothing() {
        PolicyNode node = PolicyNode.start(stateDir);
        Endpoint server = node.add("server", Map.of("app", "server"));
        Endpoint client = node.add("client", Map.of("app", "client"));
        node.apply(SERVER_FROM_CLIENTS);
        Map<PolicyKey, PolicyEntry> serverMap = node.policyMap(server);
        Map<PolicyKey, PolicyEntry> clientMap = node.policyMap(client);
        Set<Ipv4Prefix> ipcache = node.ipcachePrefixes();
        long revision = node.revision();
        String bad = CLIENT_EGRESS_TO_DNS + """
                ---
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: broken, namespace: default}
                spec:
                  endpointSelector: {}
                  ingress:
                  - toPorts: [{ports: [{port: "http"}]}]
                    fromCIDR: [10.0.0.0/33]
                """;

        assertThatThrownBy(() -> node.apply(bad)).isInstanceOf(PolicyValidationException.class)
                .hasMessageContaining("document 2 of test.yaml");
        assertThatThrownBy(() -> node.delete("kind: [")).isInstanceOf(PolicyValidationException.class);

        assertThat(node.policyMap(server)).isEqualTo(serverMap);
        assertThat(node.policyMap(client)).isEqualTo(clientMap);
        assertThat(node.lxc(client).flags()).isZero();
        assertThat(node.ipcachePrefixes()).isEqualTo(ipcache);
        assertThat(node.revision()).isEqualTo(revision);
        assertThat(node.policy().resources()).hasSize(1);
    }

    @Test
    void aNamespaceObjectsLabelsAreWhatNamespaceSelectorsSee() {
        PolicyNode node = PolicyNode.start(stateDir);
        Endpoint server = node.add("server", Map.of("app", "server"));
        Endpoint client = node.add("blue", "client", Map.of("app", "client"));
        node.apply(FROM_BLUE_NAMESPACES);
        int before = node.endpoint(client).identity();
        assertThat(keys(node.policyMap(server))).containsExactly(PolicyKey.l3(Identity.HOST, INGRESS));
        assertThat(node.lxc(server).flags()).isEqualTo(F_POLICY_INGRESS);

        node.apply("""
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: blue
                  labels: {team: blue}
                """);

        int after = node.endpoint(client).identity();
        assertThat(after).as("namespace labels are part of the identity").isNotEqualTo(before);
        assertThat(node.ipcache(client.ipv4())).contains(after);
        assertThat(keys(node.policyMap(server))).containsExactly(PolicyKey.l3(Identity.HOST, INGRESS),
                PolicyKey.exact(after, INGRESS, 6, 8080));
    }

    @Test
    void aPodObjectsLabelsReplaceThoseTheRuntimePassed() {
        PolicyNode node = PolicyNode.start(stateDir);
        Endpoint server = node.add("server", Map.of("app", "server"));
        Endpoint pod = node.add("web-1", Map.of("app", "web"));
        node.apply(SERVER_FROM_CLIENTS);
        assertThat(node.policyMap(server)).doesNotContainKey(PolicyKey.l3(node.endpoint(pod).identity(), INGRESS));

        node.apply("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web-1
                  namespace: default
                  labels: {app: client}
                """);

        int identity = node.endpoint(pod).identity();
        assertThat(node.policyMap(server)).containsKey(PolicyKey.l3(identity, INGRESS));
        assertThat(node.ipcache(pod.ipv4())).contains(identity);

        node.delete("apiVersion: v1\nkind: Pod\nmetadata: {name: web-1, namespace: default}\n");

        assertThat(node.policyMap(server)).doesNotContainKey(PolicyKey.l3(identity, INGRESS));
        assertThat(node.ipcache(pod.ipv4())).contains(node.endpoint(pod).identity()).isNotEqualTo(identity);
    }

    @Test
    void aDenyWinsOverAnAllowForTheSamePeer() {
        PolicyNode node = PolicyNode.start(stateDir);
        Endpoint server = node.add("server", Map.of("app", "server"));
        Endpoint client = node.add("client", Map.of("app", "client"));
        node.apply(SERVER_FROM_CLIENTS);

        node.apply("""
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: deny-clients, namespace: default}
                spec:
                  endpointSelector:
                    matchLabels: {app: server}
                  ingressDeny:
                  - fromEndpoints:
                    - matchLabels: {app: client}
                """);

        PolicyKey fromClient = PolicyKey.l3(node.endpoint(client).identity(), INGRESS);
        assertThat(node.policyMap(server).get(fromClient).deny()).isTrue();
        assertThat(node.lxc(server).flags()).isEqualTo(F_POLICY_INGRESS);
        assertThat(node.lxc(server).flags() & F_POLICY_EGRESS).isZero();
    }
}
