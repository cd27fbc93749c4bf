// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.policy;

import ch.qos.logback.classic.Level;
import dev.porin.endpoint.Endpoint;
import dev.porin.identity.Identity;
import dev.porin.policy.PolicyEntry;
import dev.porin.policy.PolicyKey;
import dev.porin.testing.CapturedLogs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.porin.datapath.maps.EndpointMap.F_POLICY_INGRESS;
import static dev.porin.policy.api.Direction.INGRESS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An endpoint whose policy has more entries than its map holds (256 here). What is documented on
 * {@link PolicyDatapath}: every deny is installed; the allows fill the rest in key order (peer identity,
 * direction, protocol, port), so the ones left out are those with the highest keys, whatever the order in
 * which they came; their traffic is dropped, and the endpoint and the count are reported.
 */
class PolicyMapFullTest {

    private static final int MAX = 256;

    @TempDir
    Path stateDir;

    private CapturedLogs logs;

    @BeforeEach
    void captureLogs() {
        logs = CapturedLogs.of(PolicyDatapath.class);
    }

    @AfterEach
    void releaseLogs() {
        logs.close();
    }

    /** Ingress to app=server from app=client and from {@code cidrs} /32 addresses of 198.18.0.0/15. */
    static String serverPolicy(int firstCidr, int cidrs) {
        String list = IntStream.range(firstCidr, firstCidr + cidrs).mapToObj(PolicyMapFullTest::address)
                .collect(Collectors.joining(", "));
        return """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: server, namespace: default}
                spec:
                  endpointSelector:
                    matchLabels: {app: server}
                  ingress:
                  - fromEndpoints:
                    - matchLabels: {app: client}
                  - fromCIDR: [%s]
                """.formatted(list);
    }

    static String address(int i) {
        return "198.18." + (i / 200) + "." + (i % 200 + 1) + "/32";
    }

    private static String denyFrom(String... cidrs) {
        return """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: deny, namespace: default}
                spec:
                  endpointSelector:
                    matchLabels: {app: server}
                  ingressDeny:
                  - fromCIDR: [%s]
                """.formatted(String.join(", ", cidrs));
    }

    @Test
    void aFullMapHoldsTheAllowsWithTheLowestKeysAndReportsHowManyAreLeftOut() {
        PolicyNode node = PolicyNode.start(stateDir, MAX);
        Endpoint server = node.add("server", Map.of("app", "server"));
        Endpoint client = node.add("client", Map.of("app", "client"));

        node.apply(serverPolicy(0, 300));

        // the host, the client, 300 CIDRs
        Map<PolicyKey, PolicyEntry> policy = node.policy().engine().entries(server.id());
        assertThat(policy).hasSize(302);
        assertThat(node.policyMap(server)).hasSize(MAX);
        assertThat(node.policyMap(server).keySet()).as("the lowest keys")
                .containsExactlyElementsOf(policy.keySet().stream().sorted().limit(MAX).toList());
        assertThat(node.policyMap(server)).containsKeys(PolicyKey.l3(Identity.HOST, INGRESS),
                PolicyKey.l3(node.endpoint(client).identity(), INGRESS));
        assertThat(leftOut(node, server)).hasSize(46).allMatch(k -> (k.identity() & Identity.LOCAL_SCOPE) != 0);
        assertThat(node.policy().overflow(server.id())).isEqualTo(46);
        assertThat(node.policy().policyMapOverflows()).containsExactly(Map.entry(server.id(), 46));
        assertThat(node.lxc(server).flags()).as("enforced: what is left out is dropped").isEqualTo(F_POLICY_INGRESS);
        assertThat(node.policy().overflow(client.id())).isZero();
    }

    @Test
    void aWarningNamesTheEndpointOnceForEachNewCount() {
        PolicyNode node = PolicyNode.start(stateDir, MAX);
        Endpoint server = node.add("server", Map.of("app", "server"));
        node.add("client", Map.of("app", "client"));

        node.apply(serverPolicy(0, 300));
        node.apply(serverPolicy(0, 300));

        assertThat(logs.at(Level.WARN)).singleElement().satisfies(e -> {
            assertThat(e.getFormattedMessage()).startsWith("Policy map full");
            assertThat(CapturedLogs.value(e, "endpointID")).isEqualTo(server.id());
            assertThat(CapturedLogs.value(e, "notInstalled")).isEqualTo(46);
            assertThat(CapturedLogs.value(e, "maxEntries")).isEqualTo(MAX);
        });

        node.apply(serverPolicy(0, 301));

        assertThat(logs.at(Level.WARN)).hasSize(2).last()
                .satisfies(e -> assertThat(CapturedLogs.value(e, "notInstalled")).isEqualTo(47));
    }

    @Test
    void anAllowThatSortsBeforeTheLastInstalledOneTakesItsPlace() {
        PolicyNode node = PolicyNode.start(stateDir, MAX);
        Endpoint server = node.add("server", Map.of("app", "server"));
        node.apply(serverPolicy(0, 300));
        assertThat(node.policy().overflow(server.id())).isEqualTo(45);

        // The client's identity is lower than every CIDR identity: its allow must be in, whatever came first.
        Endpoint client = node.add("client", Map.of("app", "client"));

        assertThat(node.policyMap(server)).containsKey(PolicyKey.l3(node.endpoint(client).identity(), INGRESS));
        assertThat(node.policyMap(server).keySet()).containsExactlyElementsOf(
                node.policy().engine().entries(server.id()).keySet().stream().sorted().limit(MAX).toList());
        assertThat(node.policy().overflow(server.id())).isEqualTo(46);
    }

    @Test
    void theSameAllowsAreLeftOutWhateverTheOrderOfChanges(@TempDir Path otherStateDir) {
        PolicyNode clientFirst = PolicyNode.start(stateDir, MAX);
        Endpoint server1 = clientFirst.add("server", Map.of("app", "server"));
        clientFirst.add("client", Map.of("app", "client"));
        clientFirst.apply(serverPolicy(0, 300));

        PolicyNode policyFirst = PolicyNode.start(otherStateDir, MAX);
        Endpoint server2 = policyFirst.add("server", Map.of("app", "server"));
        policyFirst.apply(serverPolicy(0, 150));
        policyFirst.apply(serverPolicy(0, 300));
        policyFirst.add("client", Map.of("app", "client"));

        assertThat(leftOutPeers(policyFirst, server2)).hasSize(46).isEqualTo(leftOutPeers(clientFirst, server1));
    }

    @Test
    void denyEntriesAreInstalledInPlaceOfAllows() {
        PolicyNode node = PolicyNode.start(stateDir, MAX);
        Endpoint server = node.add("server", Map.of("app", "server"));
        node.add("client", Map.of("app", "client"));
        node.apply(serverPolicy(0, 300));

        node.apply(denyFrom("203.0.113.1/32", "203.0.113.2/32", "203.0.113.3/32"));

        Map<PolicyKey, PolicyEntry> map = node.policyMap(server);
        assertThat(map).hasSize(MAX);
        assertThat(map.values().stream().filter(PolicyEntry::deny)).hasSize(3);
        assertThat(node.policy().overflow(server.id())).isEqualTo(49);
        List<PolicyKey> allows = node.policy().engine().entries(server.id()).entrySet().stream()
                .filter(e -> !e.getValue().deny()).map(Map.Entry::getKey).sorted().toList();
        assertThat(map.entrySet().stream().filter(e -> !e.getValue().deny()).map(Map.Entry::getKey))
                .as("the allows with the lowest keys fill what the denies leave")
                .containsExactlyElementsOf(allows.subList(0, MAX - 3));
    }

    @Test
    void whenDeniesAloneDoNotFitNoAllowIsInstalled(@TempDir Path smallMaps) {
        PolicyNode node = PolicyNode.start(smallMaps, 4);
        Endpoint server = node.add("server", Map.of("app", "server"));
        node.add("client", Map.of("app", "client"));
        node.apply(serverPolicy(0, 1));

        node.apply(denyFrom("203.0.113.1/32", "203.0.113.2/32", "203.0.113.3/32", "203.0.113.4/32",
                "203.0.113.5/32"));

        assertThat(node.policyMap(server)).hasSize(4).allSatisfy((k, v) -> assertThat(v.deny()).isTrue());
        assertThat(node.policy().overflow(server.id())).as("1 deny and 3 allows").isEqualTo(4);
        assertThat(node.lxc(server).flags()).isEqualTo(F_POLICY_INGRESS);
    }

    @Test
    void whenThePolicyShrinksEverythingItStillHasIsInstalled() {
        PolicyNode node = PolicyNode.start(stateDir, MAX);
        Endpoint server = node.add("server", Map.of("app", "server"));
        node.add("client", Map.of("app", "client"));
        node.apply(serverPolicy(0, 300));
        logs.clear();

        // Keeps the 200 highest CIDRs, among them the 46 that were left out.
        node.apply(serverPolicy(100, 200));

        assertThat(node.policyMap(server)).isEqualTo(node.policy().engine().entries(server.id())).hasSize(202);
        assertThat(node.policy().overflow(server.id())).isZero();
        assertThat(node.policy().policyMapOverflows()).isEmpty();
        assertThat(logs.at(Level.INFO)).singleElement()
                .satisfies(e -> assertThat(CapturedLogs.value(e, "endpointID")).isEqualTo(server.id()));
    }

    @Test
    void deletingThePolicyClearsTheOverflow() {
        PolicyNode node = PolicyNode.start(stateDir, MAX);
        Endpoint server = node.add("server", Map.of("app", "server"));
        node.apply(serverPolicy(0, 300));

        node.delete(serverPolicy(0, 300));

        assertThat(node.policyMap(server).keySet()).containsExactly(PolicyKey.l3(Identity.HOST, INGRESS));
        assertThat(node.policy().policyMapOverflows()).isEmpty();
        assertThat(node.lxc(server).flags()).isZero();
    }

    @Test
    void aRemovedEndpointLeavesNoOverflowBehind() {
        PolicyNode node = PolicyNode.start(stateDir, MAX);
        Endpoint server = node.add("server", Map.of("app", "server"));
        node.apply(serverPolicy(0, 300));

        node.remove(server);

        assertThat(node.policy().policyMapOverflows()).isEmpty();
    }

    @Test
    void aRestartedAgentReportsTheSameOverflowAndKeepsTheSameEntries() {
        PolicyNode node = PolicyNode.start(stateDir, MAX);
        Endpoint server = node.add("server", Map.of("app", "server"));
        node.add("client", Map.of("app", "client"));
        node.apply(serverPolicy(0, 300));
        Map<PolicyKey, PolicyEntry> before = node.policyMap(server);

        node.restart();

        assertThat(node.policy().policyMapOverflows()).containsExactly(Map.entry(server.id(), 46));
        assertThat(node.policyMap(server)).isEqualTo(before);
    }

    private static Set<PolicyKey> leftOut(PolicyNode node, Endpoint ep) {
        Set<PolicyKey> out = new TreeSet<>(node.policy().engine().entries(ep.id()).keySet());
        out.removeAll(node.policyMap(ep).keySet());
        return out;
    }

    /** The peers whose allows are left out, by their labels: identity numbers differ from node to node. */
    private static List<String> leftOutPeers(PolicyNode node, Endpoint ep) {
        List<String> out = new ArrayList<>();
        for (PolicyKey k : leftOut(node, ep)) {
            out.add(node.policy().engine().identity(k.identity()).orElseThrow().labels().strings() + " "
                    + k.portProtocol());
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }
}
