// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.policy;

import dev.porin.datapath.maps.IpCacheMap;
import dev.porin.endpoint.Endpoint;
import dev.porin.identity.Identity;
import dev.porin.net.Ipv4Prefix;
import dev.porin.policy.PolicyEntry;
import dev.porin.policy.PolicyKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.porin.datapath.maps.EndpointMap.F_POLICY_INGRESS;
import static dev.porin.policy.api.Direction.INGRESS;
import static org.assertj.core.api.Assertions.assertThat;

/** An endpoint's identity, IP cache entry, policy map and enforcement flags over its life. */
class PolicyManagerEndpointTest {

    static final String SERVER_FROM_CLIENTS = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: server, namespace: default}
            spec:
              endpointSelector:
                matchLabels: {app: server}
              ingress:
              - fromEndpoints:
                - matchLabels: {app: client}
            """;

    @TempDir
    Path stateDir;

    @Test
    void anAddedEndpointHasItsIdentityInTheEndpointMapAndTheIpCache() {
        PolicyNode node = PolicyNode.start(stateDir);

        Endpoint ep = node.add("web", Map.of("app", "web"));

        int identity = node.endpoint(ep).identity();
        assertThat(identity).isBetween(Identity.MIN_CLUSTER, Identity.MAX_CLUSTER);
        assertThat(node.policy().engine().identity(identity)).hasValueSatisfying(
                i -> assertThat(i.labels().strings())
                        .contains("k8s:app=web", "k8s:io.kubernetes.pod.namespace=default"));
        assertThat(node.lxc(ep).identity()).isEqualTo(identity);
        assertThat(node.ipcache(ep.ipv4())).contains(identity);
        assertThat(node.ipcache(PolicyNode.ROUTER)).as("the node's own address").contains(Identity.HOST);
    }

    @Test
    void anEndpointNoPolicySelectsHasTheHostAllowAndNoEnforcement() {
        PolicyNode node = PolicyNode.start(stateDir);

        Endpoint ep = node.add("web", Map.of("app", "web"));

        assertThat(keys(node.policyMap(ep))).containsExactly(PolicyKey.l3(Identity.HOST, INGRESS));
        assertThat(node.policyMap(ep).values()).allMatch(e -> !e.deny());
        assertThat(node.lxc(ep).flags()).isZero();
    }

    @Test
    void defaultDenyFlagsAreSetOnlyOnEndpointsAPolicySelects() {
        PolicyNode node = PolicyNode.start(stateDir);
        Endpoint server = node.add("server", Map.of("app", "server"));
        Endpoint client = node.add("client", Map.of("app", "client"));

        node.apply(SERVER_FROM_CLIENTS);

        assertThat(node.lxc(server).flags()).isEqualTo(F_POLICY_INGRESS);
        assertThat(node.lxc(client).flags()).isZero();
        assertThat(node.policy().enforcementText(node.endpoint(server))).containsExactly("Enabled", "Disabled");
    }

    @Test
    void anEndpointAddedUnderAPolicyStartsWithItsFlagsAndAllows() {
        PolicyNode node = PolicyNode.start(stateDir);
        node.apply(SERVER_FROM_CLIENTS);
        Endpoint client = node.add("client", Map.of("app", "client"));

        Endpoint server = node.add("server", Map.of("app", "server"));

        assertThat(node.lxc(server).flags()).isEqualTo(F_POLICY_INGRESS);
        assertThat(keys(node.policyMap(server))).containsExactly(PolicyKey.l3(Identity.HOST, INGRESS),
                PolicyKey.l3(node.endpoint(client).identity(), INGRESS));
    }

    @Test
    void aNewPeerIsAddedToTheMapsOfEndpointsThatAllowIt() {
        PolicyNode node = PolicyNode.start(stateDir);
        Endpoint server = node.add("server", Map.of("app", "server"));
        node.apply(SERVER_FROM_CLIENTS);
        assertThat(keys(node.policyMap(server))).containsExactly(PolicyKey.l3(Identity.HOST, INGRESS));

        Endpoint client = node.add("client", Map.of("app", "client"));

        assertThat(keys(node.policyMap(server))).containsExactly(PolicyKey.l3(Identity.HOST, INGRESS),
                PolicyKey.l3(node.endpoint(client).identity(), INGRESS));
    }

    @Test
    void removingAnEndpointRemovesItsMapIpCacheEntryAndIdentity() {
        PolicyNode node = PolicyNode.start(stateDir);
        Endpoint server = node.add("server", Map.of("app", "server"));
        Endpoint client = node.add("client", Map.of("app", "client"));
        node.apply(SERVER_FROM_CLIENTS);
        int identity = node.endpoint(client).identity();

        node.remove(client);

        assertThat(node.hasPolicyMap(client)).isFalse();
        assertThat(node.ipcache(client.ipv4())).isEmpty();
        assertThat(node.policy().engine().identity(identity)).as("released").isEmpty();
        assertThat(keys(node.policyMap(server))).as("peers forget it")
                .containsExactly(PolicyKey.l3(Identity.HOST, INGRESS));
        assertThat(node.policyMaps()).containsExactly(server.id());
    }

    @Test
    void anIdentitySharedByTwoEndpointsIsReleasedWithTheLastOfThem() {
        PolicyNode node = PolicyNode.start(stateDir);
        Endpoint server = node.add("server", Map.of("app", "server"));
        Endpoint a = node.add("client-a", Map.of("app", "client"));
        Endpoint b = node.add("client-b", Map.of("app", "client"));
        node.apply(SERVER_FROM_CLIENTS);
        int identity = node.endpoint(a).identity();
        assertThat(node.endpoint(b).identity()).isEqualTo(identity);

        node.remove(a);

        assertThat(node.policy().engine().identity(identity)).as("b still has it").isPresent();
        assertThat(node.policyMap(server)).containsKey(PolicyKey.l3(identity, INGRESS));
        assertThat(node.ipcache(b.ipv4())).contains(identity);

        node.remove(b);

        assertThat(node.policy().engine().identity(identity)).isEmpty();
        assertThat(node.policyMap(server)).doesNotContainKey(PolicyKey.l3(identity, INGRESS));
    }

    @Test
    void changingLabelsGivesANewIdentityEverywhere() {
        PolicyNode node = PolicyNode.start(stateDir);
        Endpoint server = node.add("server", Map.of("app", "server"));
        Endpoint peer = node.add("peer", Map.of("app", "other"));
        node.apply(SERVER_FROM_CLIENTS);
        int before = node.endpoint(peer).identity();
        assertThat(node.policyMap(server)).doesNotContainKey(PolicyKey.l3(before, INGRESS));

        node.policy().changeLabels(peer.id(), Map.of("app", "client"), List.of());

        int after = node.endpoint(peer).identity();
        assertThat(after).isNotEqualTo(before);
        assertThat(node.lxc(peer).identity()).isEqualTo(after);
        assertThat(node.ipcache(peer.ipv4())).contains(after);
        assertThat(node.policyMap(server)).as("the server now allows it").containsKey(PolicyKey.l3(after, INGRESS));
        assertThat(node.policy().engine().identity(before)).as("no one has the old labels").isEmpty();

        node.policy().changeLabels(peer.id(), Map.of(), List.of("app"));

        int third = node.endpoint(peer).identity();
        assertThat(node.policyMap(server)).as("and no longer").doesNotContainKey(PolicyKey.l3(after, INGRESS))
                .doesNotContainKey(PolicyKey.l3(third, INGRESS));
        assertThat(node.ipcache(peer.ipv4())).contains(third);
    }

    @Test
    void changingLabelsMovesTheEndpointUnderAnotherPolicy() {
        PolicyNode node = PolicyNode.start(stateDir);
        Endpoint ep = node.add("web", Map.of("app", "web"));
        node.apply(SERVER_FROM_CLIENTS);
        assertThat(node.lxc(ep).flags()).isZero();

        node.policy().changeLabels(ep.id(), Map.of("app", "server"), List.of());

        assertThat(node.lxc(ep).flags()).isEqualTo(F_POLICY_INGRESS);
        node.policy().changeLabels(ep.id(), Map.of(), List.of("app"));
        assertThat(node.lxc(ep).flags()).isZero();
    }

    @Test
    void peersAllowANewIdentityBeforeTheIpCacheSwitchesToItAndForgetTheOldOneAfter() {
        PolicyNode node = PolicyNode.start(stateDir);
        Endpoint server = node.add("server", Map.of("app", "server"));
        Endpoint peer = node.add("peer", Map.of("app", "client", "version", "1"));
        node.apply(SERVER_FROM_CLIENTS);
        int old = node.endpoint(peer).identity();
        int from = node.journal().size();

        node.policy().changeLabels(peer.id(), Map.of("version", "2"), List.of());

        int fresh = node.endpoint(peer).identity();
        List<PolicyNode.Write> writes = node.journal().subList(from, node.journal().size());
        String serverMap = node.journal().stream().filter(w -> w.key().equals(PolicyKey.l3(old, INGRESS)))
                .findFirst().orElseThrow().map();
        int allowNew = indexOf(writes, new PolicyNode.Write(serverMap, PolicyKey.l3(fresh, INGRESS), null), true);
        int switchover = indexOf(writes, new PolicyNode.Write(IpCacheMap.NAME,
                new IpCacheMap.Key(Ipv4Prefix.of(peer.ipv4(), 32)), new IpCacheMap.Value(fresh)), false);
        int forgetOld = indexOf(writes, new PolicyNode.Write(serverMap, PolicyKey.l3(old, INGRESS), null), false);
        assertThat(allowNew).as("the server allows the new identity").isNotNegative();
        assertThat(switchover).as("then the IP cache gives the peer's address the new identity")
                .isGreaterThan(allowNew);
        assertThat(forgetOld).as("then the server forgets the old one").isGreaterThan(switchover);
    }

    /** The index of {@code w} in {@code writes}; any value if {@code anyValue}; -1 if absent. */
    private static int indexOf(List<PolicyNode.Write> writes, PolicyNode.Write w, boolean anyValue) {
        for (int i = 0; i < writes.size(); i++) {
            PolicyNode.Write x = writes.get(i);
            if (x.map().equals(w.map()) && x.key().equals(w.key())
                    && (anyValue ? x.value() != null : java.util.Objects.equals(x.value(), w.value()))) {
                return i;
            }
        }
        return -1;
    }

    static List<PolicyKey> keys(Map<PolicyKey, PolicyEntry> map) {
        return List.copyOf(map.keySet());
    }
}
