// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.identity.Identity;
import dev.porin.identity.IdentityAllocator;
import dev.porin.net.Ipv4Prefix;
import dev.porin.policy.api.Entity;
import dev.porin.policy.api.PolicyOrigin;
import dev.porin.policy.api.Protocol;
import dev.porin.policy.api.Rule;
import dev.porin.policy.api.RuleRef;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.porin.policy.Fixtures.*;
import static dev.porin.policy.api.Direction.EGRESS;
import static dev.porin.policy.api.Direction.INGRESS;
import static org.assertj.core.api.Assertions.assertThat;

/** What {@link PolicyEngine#drain()} hands to the datapath after each kind of update. */
class PolicyEngineIncrementalTest {

    private static final String NS = "prod";
    private static final int SERVER = 10;
    private static final int CLIENT = 11;
    private static final PolicyOrigin A = cnp(NS, "a");
    private static final PolicyOrigin B = cnp(NS, "b");

    private PolicyEngine engine;
    private Identity server;
    private Identity client;

    @BeforeEach
    void clientAndServer() {
        engine = new PolicyEngine(new IdentityAllocator(), List.of());
        server = pod(engine, NS, "app=server");
        client = pod(engine, NS, "app=client");
        engine.upsertEndpoint(SERVER, server, List.of());
        engine.upsertEndpoint(CLIENT, client, List.of());
        engine.drain();
    }

    private void set(PolicyOrigin origin, Rule... rules) {
        engine.setPolicy(origin, List.of(rules));
    }

    private Rule serverFromClient(PolicyOrigin origin, int port) {
        return rule(origin, pods(NS, "app=server")).ingress(peer(endpoints(pods(NS, "app=client")), tcp(port))).build();
    }

    private static List<String> upserts(EndpointChanges c) {
        return lines(c.upserts());
    }

    @Test
    void addingARuleChangesOnlyTheEndpointsItSelectsWithOnlyItsEntries() {
        set(A, serverFromClient(A, 80));
        engine.drain();
        set(B, serverFromClient(B, 443));
        PolicyChanges ch = engine.drain();
        assertThat(ch.endpoints()).containsOnlyKeys(SERVER);
        EndpointChanges s = ch.endpoints().get(SERVER);
        assertThat(upserts(s)).containsExactly("in " + client.id() + " 443/TCP allow");
        assertThat(s.deletes()).isEmpty();
        assertThat(s.enforcement()).as("already default-deny by A; enforcement names B too")
                .isEqualTo(new Enforcement(new java.util.TreeSet<>(Set.of(A, B)), new java.util.TreeSet<>(), true, false));
        assertThat(s.removed()).isFalse();
    }

    @Test
    void theFirstRuleReportsTheNewEnforcement() {
        set(A, serverFromClient(A, 80));
        EndpointChanges s = engine.drain().endpoints().get(SERVER);
        assertThat(s.enforcement().ingressBy()).containsExactly(A);
        assertThat(upserts(s)).containsExactly("in " + client.id() + " 80/TCP allow");
    }

    @Test
    void aNewIdentityAddsEntriesForThatIdentityOnly() {
        set(A, rule(A, pods(NS, "app=server")).ingress(peers(endpoints(pods(NS, "role=monitor"))), anyPeer(tcp(80))).build());
        engine.drain();
        Identity prometheus = pod(engine, NS, "app=prometheus", "role=monitor");
        PolicyChanges ch = engine.drain();
        assertThat(ch.endpoints()).containsOnlyKeys(SERVER);
        assertThat(ch.endpoints().get(SERVER).upserts().keySet()).extracting(PolicyKey::identity).containsOnly(prometheus.id());
        assertThat(ch.endpoints().get(SERVER).deletes()).isEmpty();
        assertThat(ch.endpoints().get(SERVER).enforcement()).isNull();

        long rev = engine.revision();
        pod(engine, NS, "app=unrelated");
        assertThat(engine.drain().isEmpty()).as("an identity nothing selects changes nothing").isTrue();
        assertThat(engine.revision()).isEqualTo(rev);
    }

    @Test
    void anIdentityThatGoesAwayTakesItsEntriesWithIt() {
        set(A, rule(A, pods(NS, "app=server")).ingress(peers(endpoints(pods(NS, "role=monitor")))).build());
        Identity prometheus = pod(engine, NS, "app=prometheus", "role=monitor");
        engine.drain();
        engine.releaseIdentity(prometheus);
        EndpointChanges s = engine.drain().endpoints().get(SERVER);
        assertThat(s.deletes()).containsExactly(PolicyKey.l3(prometheus.id(), INGRESS));
        assertThat(engine.entries(SERVER)).isEmpty();
    }

    @Test
    void removingAPolicyDeletesExactlyItsEntries() {
        set(A, serverFromClient(A, 80), rule(A, pods(NS, "app=client")).index(1).egress(peers(entity(Entity.HOST))).build());
        set(B, serverFromClient(B, 443));
        engine.drain();
        engine.setPolicy(A, List.of());
        PolicyChanges ch = engine.drain();
        assertThat(ch.endpoints().get(SERVER).deletes()).containsExactly(PolicyKey.exact(client.id(), INGRESS, TCP, 80));
        assertThat(ch.endpoints().get(SERVER).upserts()).isEmpty();
        assertThat(ch.endpoints().get(SERVER).enforcement().ingressBy()).containsExactly(B);
        assertThat(ch.endpoints().get(CLIENT).deletes()).containsExactly(PolicyKey.l3(1, EGRESS));
        assertThat(ch.endpoints().get(CLIENT).enforcement()).isEqualTo(Enforcement.NONE);
        assertThat(lines(engine, SERVER)).containsExactly("in " + client.id() + " 443/TCP allow");
    }

    @Test
    void anEntrySharedWithAnotherPolicyStaysAndThenNamesOnlyThatPolicy() {
        set(A, serverFromClient(A, 80));
        set(B, serverFromClient(B, 80));
        PolicyKey k = PolicyKey.exact(client.id(), INGRESS, TCP, 80);
        assertThat(rulesOf(engine, SERVER, k)).extracting(RuleRef::origin).containsExactly(A, B);
        engine.drain();
        engine.setPolicy(A, List.of());
        EndpointChanges s = engine.drain().endpoints().get(SERVER);
        assertThat(s.deletes()).isEmpty();
        assertThat(s.upserts()).containsOnlyKeys(k);
        assertThat(engine.attribution(s.upserts().get(k).cookie())).extracting(RuleRef::origin).containsExactly(B);
        assertThat(rulesOf(engine, SERVER, k)).extracting(RuleRef::origin).containsExactly(B);
    }

    @Test
    void removingAnEndpointReportsItRemovedWithItsDeletes() {
        set(A, serverFromClient(A, 80));
        engine.drain();
        engine.removeEndpoint(SERVER);
        PolicyChanges ch = engine.drain();
        assertThat(ch.endpoints()).containsOnlyKeys(SERVER);
        assertThat(ch.endpoints().get(SERVER).removed()).isTrue();
        assertThat(ch.endpoints().get(SERVER).deletes()).containsExactly(PolicyKey.exact(client.id(), INGRESS, TCP, 80));
        assertThat(engine.entries(SERVER)).isEmpty();
        assertThat(engine.enforcement(SERVER)).isEqualTo(Enforcement.NONE);
        engine.removeEndpoint(SERVER);
        assertThat(engine.drain().isEmpty()).isTrue();
    }

    @Test
    void anEndpointRemovedAndBackBeforeADrainIsNotReportedRemoved() {
        set(A, serverFromClient(A, 80));
        engine.drain();
        Map<PolicyKey, PolicyEntry> held = new java.util.TreeMap<>(engine.entries(SERVER));
        engine.removeEndpoint(SERVER);
        engine.upsertEndpoint(SERVER, client, List.of());
        EndpointChanges s = engine.drain().endpoints().get(SERVER);
        assertThat(s.removed()).isFalse();
        assertThat(s.enforcement()).as("the datapath still holds the old enforcement").isEqualTo(Enforcement.NONE);
        s.deletes().forEach(held::remove);
        held.putAll(s.upserts());
        assertThat(held).isEqualTo(engine.entries(SERVER)).isEmpty();
    }

    @Test
    void editingOneElementOfAPolicyRewritesOnlyThatElementsEntries() {
        Rule host = rule(A, pods(NS, "app=client")).index(1).egress(peers(entity(Entity.HOST))).build();
        set(A, serverFromClient(A, 80), host);
        engine.drain();
        set(A, serverFromClient(A, 443), host);
        PolicyChanges ch = engine.drain();
        assertThat(ch.endpoints()).containsOnlyKeys(SERVER);
        assertThat(upserts(ch.endpoints().get(SERVER))).containsExactly("in " + client.id() + " 443/TCP allow");
        assertThat(ch.endpoints().get(SERVER).deletes()).containsExactly(PolicyKey.exact(client.id(), INGRESS, TCP, 80));
        assertThat(ch.endpoints().get(SERVER).enforcement()).isNull();
    }

    @Test
    void revisionsIncreaseOnlyWhenSomethingChanged() {
        long r0 = engine.revision();
        assertThat(engine.drain().revision()).isEqualTo(r0);
        set(A, serverFromClient(A, 80));
        PolicyChanges ch = engine.drain();
        assertThat(ch.revision()).isEqualTo(r0 + 1).isEqualTo(engine.revision());

        set(A, serverFromClient(A, 80));
        engine.upsertEndpoint(SERVER, server, List.of());
        set(B, rule(B, pods(NS, "app=nobody")).ingress(peers(entity(Entity.HOST))).build());
        PolicyChanges none = engine.drain();
        assertThat(none.isEmpty()).isTrue();
        assertThat(none.revision()).isEqualTo(r0 + 1);

        set(B, rule(B, pods(NS, "app=nobody")).egress(peers(entity(Entity.HOST))).build());
        assertThat(engine.drain().isEmpty()).as("another rule selecting nobody").isTrue();
        engine.setPolicy(B, List.of());
        assertThat(engine.drain().isEmpty()).isTrue();

        engine.removeEndpoint(CLIENT);
        assertThat(engine.drain().revision()).isEqualTo(r0 + 2);
    }

    @Test
    void clusterNamedPortsThatNoRuleUsesChangeNothing() {
        set(A, serverFromClient(A, 80), rule(A, pods(NS, "app=client")).index(1)
                .egress(anyPeer(named("metrics", Protocol.TCP))).build());
        engine.setClusterNamedPorts(Map.of("metrics", Set.of(new NamedPort("metrics", 9100, Protocol.TCP))));
        engine.drain();
        long rev = engine.revision();
        engine.setClusterNamedPorts(Map.of("metrics", Set.of(new NamedPort("metrics", 9100, Protocol.TCP)),
                "grpc", Set.of(new NamedPort("grpc", 9000, Protocol.TCP))));
        PolicyChanges ch = engine.drain();
        assertThat(ch.isEmpty()).as("changes: %s", ch.endpoints()).isTrue();
        assertThat(engine.revision()).isEqualTo(rev);

        engine.setClusterNamedPorts(Map.of("metrics", Set.of(new NamedPort("metrics", 9200, Protocol.TCP))));
        EndpointChanges c = engine.drain().endpoints().get(CLIENT);
        assertThat(upserts(c)).containsExactly("out 0 9200/TCP allow");
        assertThat(c.deletes()).containsExactly(PolicyKey.exact(0, EGRESS, TCP, 9100));
    }

    @Test
    void namedPortsOfAnEndpointThatNoRuleUsesChangeNothing() {
        set(A, serverFromClient(A, 80));
        engine.drain();
        engine.upsertEndpoint(SERVER, server, List.of(new NamedPort("http", 8080, Protocol.TCP)));
        assertThat(engine.drain().isEmpty()).isTrue();
    }

    @Test
    void cidrIdentitiesComeWithTheFirstPolicyNamingAPrefixAndGoWithTheLast() {
        Ipv4Prefix p = Ipv4Prefix.parse("192.0.2.0/24");
        set(A, rule(A, pods(NS, "app=client")).egress(peers(cidr("192.0.2.0/24"))).build());
        PolicyChanges ch = engine.drain();
        int id = engine.cidrIdentities().get(p);
        assertThat(ch.cidrUpserts()).containsExactly(Map.entry(p, id));
        assertThat(Identity.LOCAL_SCOPE & id).isNotZero();
        assertThat(upserts(ch.endpoints().get(CLIENT))).containsExactly("out " + id + " ANY allow");

        set(B, rule(B, pods(NS, "app=server")).egress(peer(cidr("192.0.2.0/24"), tcp(53))).build());
        ch = engine.drain();
        assertThat(ch.cidrUpserts()).as("already known").isEmpty();
        assertThat(engine.cidrIdentities().get(p)).isEqualTo(id);

        engine.setPolicy(A, List.of());
        assertThat(engine.drain().cidrDeletes()).as("B still names it").isEmpty();
        engine.setPolicy(B, List.of());
        ch = engine.drain();
        assertThat(ch.cidrDeletes()).containsExactly(p);
        assertThat(ch.endpoints().get(SERVER).deletes()).containsExactly(PolicyKey.exact(id, EGRESS, TCP, 53));
        assertThat(engine.cidrIdentities()).isEmpty();
        assertThat(engine.identity(id)).isEmpty();
    }

    @Test
    void aPrefixKeptByTheNewVersionOfAPolicyKeepsItsIdentity() {
        set(A, rule(A, pods(NS, "app=client")).egress(peers(cidr("10.0.0.0/8", "10.1.0.0/16")), peers(cidr("192.0.2.0/24"))).build());
        engine.drain();
        Map<Ipv4Prefix, Integer> before = engine.cidrIdentities();
        set(A, rule(A, pods(NS, "app=client")).egress(peer(cidr("10.0.0.0/8"), tcp(443))).build());
        PolicyChanges ch = engine.drain();
        Map<Ipv4Prefix, Integer> after = engine.cidrIdentities();
        assertThat(after).containsOnlyKeys(Ipv4Prefix.parse("10.0.0.0/8"));
        assertThat(after.get(Ipv4Prefix.parse("10.0.0.0/8"))).isEqualTo(before.get(Ipv4Prefix.parse("10.0.0.0/8")));
        assertThat(ch.cidrUpserts()).isEmpty();
        assertThat(ch.cidrDeletes()).containsExactlyInAnyOrder(Ipv4Prefix.parse("10.1.0.0/16"), Ipv4Prefix.parse("192.0.2.0/24"));
        int outer = after.get(Ipv4Prefix.parse("10.0.0.0/8"));
        assertThat(lines(engine, CLIENT)).containsExactly("out " + outer + " 443/TCP allow");
    }

    @Test
    void anEndpointAddedLaterGetsEveryRuleThatSelectsIt() {
        set(A, serverFromClient(A, 80));
        set(B, rule(B, pods(NS, "app=server")).egress(peers(entity(Entity.HOST))).build());
        engine.drain();
        engine.upsertEndpoint(30, server, List.of());
        PolicyChanges ch = engine.drain();
        assertThat(ch.endpoints()).containsOnlyKeys(30);
        assertThat(upserts(ch.endpoints().get(30))).containsExactly("out 1 ANY allow", "in " + client.id() + " 80/TCP allow");
        assertThat(ch.endpoints().get(30).enforcement().ingressBy()).containsExactly(A);
        assertThat(ch.endpoints().get(30).enforcement().egressBy()).containsExactly(B);
    }

    @Test
    void restoredIdentitiesKeepTheirNumbersAcrossARestart() {
        set(A, rule(A, pods(NS, "app=client")).egress(peers(cidr("192.0.2.0/24")), peers(endpoints(pods(NS, "app=server")))).build());
        Map<PolicyKey, PolicyEntry> before = engine.entries(CLIENT);
        PolicyEngine restarted = new PolicyEngine(IdentityAllocator.restore(engine.identitySnapshot()), List.of());
        restarted.setPolicy(A, engine.policies().get(A));
        Identity s = pod(restarted, NS, "app=server");
        Identity c = pod(restarted, NS, "app=client");
        restarted.upsertEndpoint(SERVER, s, List.of());
        restarted.upsertEndpoint(CLIENT, c, List.of());
        restarted.releaseUnreferencedIdentities();
        assertThat(s).isEqualTo(server);
        assertThat(c).isEqualTo(client);
        assertThat(restarted.cidrIdentities()).isEqualTo(engine.cidrIdentities());
        assertThat(restarted.entries(CLIENT).keySet()).isEqualTo(before.keySet());
    }
}
