// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.identity.Identity;
import dev.porin.identity.IdentityAllocator;
import dev.porin.net.Ipv4Prefix;
import dev.porin.policy.api.Entity;
import dev.porin.policy.api.IcmpField;
import dev.porin.policy.api.PeerRule;
import dev.porin.policy.api.PolicyOrigin;
import dev.porin.policy.api.PortRule;
import dev.porin.policy.api.Protocol;
import dev.porin.policy.api.Rule;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.porin.policy.Fixtures.*;
import static dev.porin.policy.api.Direction.EGRESS;
import static dev.porin.policy.api.Direction.INGRESS;
import static org.assertj.core.api.Assertions.assertThat;

/** What the engine resolves rules into: enforcement, peers, ports, entities, CIDRs. */
class PolicyEngineTest {

    private static final String NS = "prod";
    private static final int SERVER = 10;
    private static final int CLIENT = 11;
    private static final int OTHER = 12;

    private PolicyEngine engine;
    private Identity server;
    private Identity client;
    private Identity other;

    @BeforeEach
    void threePodsInOneNamespace() {
        engine = new PolicyEngine(new IdentityAllocator(), List.of());
        server = pod(engine, NS, "app=server");
        client = pod(engine, NS, "app=client");
        other = pod(engine, NS, "app=other");
        engine.upsertEndpoint(SERVER, server, List.of(new NamedPort("http", 8080, Protocol.TCP)));
        engine.upsertEndpoint(CLIENT, client, List.of());
        engine.upsertEndpoint(OTHER, other, List.of());
    }

    private void set(Rule... rules) {
        engine.setPolicy(rules[0].origin(), List.of(rules));
    }

    @Test
    void withoutPolicyNothingIsEnforcedAndThereAreNoEntries() {
        assertThat(engine.enforcement(SERVER)).isEqualTo(Enforcement.NONE);
        assertThat(engine.entries(SERVER)).isEmpty();
    }

    @Test
    void anIngressRuleMakesOnlyItsSubjectsIngressDefaultDeny() {
        PolicyOrigin p = cnp(NS, "server-in");
        set(rule(p, pods(NS, "app=server")).ingress(peers(endpoints(pods(NS, "app=client")))).build());
        assertThat(engine.enforcement(SERVER).ingress()).isTrue();
        assertThat(engine.enforcement(SERVER).egress()).isFalse();
        assertThat(engine.enforcement(SERVER).ingressBy()).containsExactly(p);
        assertThat(engine.enforcement(CLIENT)).isEqualTo(Enforcement.NONE);
        assertThat(engine.enforcement(OTHER)).isEqualTo(Enforcement.NONE);
        assertThat(lines(engine, SERVER)).containsExactly("in " + client.id() + " ANY allow");
        assertThat(engine.entries(CLIENT)).isEmpty();
    }

    @Test
    void anEgressRuleMakesOnlyEgressDefaultDeny() {
        set(rule(cnp(NS, "client-out"), pods(NS, "app=client")).egress(peer(endpoints(pods(NS, "app=server")), tcp(80))).build());
        assertThat(engine.enforcement(CLIENT).egress()).isTrue();
        assertThat(engine.enforcement(CLIENT).ingress()).isFalse();
        assertThat(lines(engine, CLIENT)).containsExactly("out " + server.id() + " 80/TCP allow");
    }

    @Test
    void aDenyOnlyRuleStillMakesTheDirectionDefaultDeny() {
        set(rule(cnp(NS, "deny-only"), pods(NS, "app=server")).ingressDeny(peers(endpoints(pods(NS, "app=other")))).build());
        assertThat(engine.enforcement(SERVER).ingress()).isTrue();
        assertThat(lines(engine, SERVER)).containsExactly("in " + other.id() + " ANY deny");
        assertThat(verdict(engine, SERVER, client.id(), INGRESS, TCP, 80).allowed()).isFalse();
        assertThat(verdict(engine, SERVER, client.id(), INGRESS, TCP, 80).explicitDeny()).isFalse();
    }

    @Test
    void anEmptyIngressElementIsPureDefaultDeny() {
        set(rule(cnp(NS, "lockdown"), pods(NS, "app=server")).ingress(peers()).build());
        assertThat(engine.enforcement(SERVER).ingress()).isTrue();
        assertThat(engine.entries(SERVER)).isEmpty();
    }

    @Test
    void rulesWithDefaultDenyOffEnforceButAllowWhatNoDenyNames() {
        PolicyOrigin lax = cnp(NS, "lax");
        set(rule(lax, pods(NS, "app=server")).ingress(peers(endpoints(pods(NS, "app=client"))))
                .egress(peers(entity(Entity.WORLD))).enableDefaultDeny(false, false).build());
        assertThat(engine.enforcement(SERVER).ingressBy()).isEmpty();
        assertThat(engine.enforcement(SERVER).defaultAllow(INGRESS)).isTrue();
        assertThat(engine.enforcement(SERVER).defaultAllow(EGRESS)).isTrue();
        assertThat(lines(engine, SERVER)).contains("in " + client.id() + " ANY allow", "out 2 ANY allow");
        assertThat(verdict(engine, SERVER, other.id(), INGRESS, TCP, 443).allowed()).as("default-allow").isTrue();

        PolicyOrigin strict = cnp(NS, "strict");
        set(rule(strict, pods(NS, "app=server")).ingress(peer(endpoints(pods(NS, "app=other")), tcp(80))).build());
        assertThat(engine.enforcement(SERVER).ingressBy()).as("only the rule that asks for it is named").containsExactly(strict);
        assertThat(engine.enforcement(SERVER).defaultAllow(EGRESS)).as("egress still default-allow").isTrue();
        assertThat(verdict(engine, SERVER, client.id(), INGRESS, TCP, 443).allowed()).isTrue();
    }

    @Test
    void enforcementNamesEveryPolicyThatAsksForIt() {
        PolicyOrigin a = cnp(NS, "a");
        PolicyOrigin b = ccnp("b");
        set(rule(a, pods(NS, "app=server")).ingress(peers(endpoints(pods(NS, "app=client")))).build());
        set(rule(b, pods(null, "app=server")).ingressDeny(peers(entity(Entity.WORLD)))
                .egress(peers(entity(Entity.CLUSTER))).build());
        assertThat(engine.enforcement(SERVER).ingressBy()).containsExactlyInAnyOrder(a, b);
        assertThat(engine.enforcement(SERVER).egressBy()).containsExactly(b);
        assertThat(engine.enforcement(SERVER).by(EGRESS)).containsExactly(b);
    }

    @Test
    void l3AllowSelectsPodsByLabelsWithinTheNamespace() {
        Identity clientElsewhere = pod(engine, "dev", "app=client");
        set(rule(cnp(NS, "p"), pods(NS, "app=server")).ingress(peers(endpoints(pods(NS, "app=client")))).build());
        assertThat(lines(engine, SERVER)).containsExactly("in " + client.id() + " ANY allow");
        assertThat(verdict(engine, SERVER, client.id(), INGRESS, UDP, 53).allowed()).isTrue();
        assertThat(verdict(engine, SERVER, clientElsewhere.id(), INGRESS, TCP, 80).allowed()).isFalse();
        assertThat(verdict(engine, SERVER, other.id(), INGRESS, TCP, 80).allowed()).isFalse();
    }

    @Test
    void portsAndRangesBecomeL4Keys() {
        set(rule(cnp(NS, "p"), pods(NS, "app=server"))
                .ingress(peers(List.of(endpoints(pods(NS, "app=client"))), tcp(80), range(8000, 8003, Protocol.TCP),
                        port(0, Protocol.UDP))).build());
        int c = client.id();
        assertThat(lines(engine, SERVER)).containsExactly("in " + c + " 80/TCP allow",
                "in " + c + " 8000-8003/TCP allow", "in " + c + " UDP allow");
        assertThat(verdict(engine, SERVER, c, INGRESS, TCP, 8003).allowed()).isTrue();
        assertThat(verdict(engine, SERVER, c, INGRESS, TCP, 8004).allowed()).isFalse();
        assertThat(verdict(engine, SERVER, c, INGRESS, UDP, 12345).allowed()).isTrue();
    }

    @Test
    void anyProtocolExpandsToTcpUdpAndSctp() {
        set(rule(cnp(NS, "p"), pods(NS, "app=server")).ingress(anyPeer(port(53, Protocol.ANY))).build());
        assertThat(lines(engine, SERVER)).containsExactly("in 0 53/TCP allow", "in 0 53/UDP allow", "in 0 53/SCTP allow");
    }

    @Test
    void portRuleWithoutPortsAllowsEveryPortOfTcpUdpSctp() {
        PeerRule e = new PeerRule(false, List.of(endpoints(pods(NS, "app=client"))),
                List.of(new PortRule(List.of(), null, List.of())), List.of());
        set(rule(cnp(NS, "p"), pods(NS, "app=server")).ingress(e).build());
        int c = client.id();
        assertThat(lines(engine, SERVER)).containsExactly("in " + c + " TCP allow", "in " + c + " UDP allow",
                "in " + c + " SCTP allow");
        assertThat(verdict(engine, SERVER, c, INGRESS, ICMP, 8).allowed()).isFalse();
    }

    @Test
    void icmpTypesAreKeyedOnTheTypeAndIpv6TypesAreLeftOut() {
        set(rule(cnp(NS, "p"), pods(NS, "app=server")).ingress(icmp(endpoints(pods(NS, "app=client")),
                IcmpField.parse("IPv4", "EchoRequest"), new IcmpField(false, 0), IcmpField.parse("IPv6", "EchoRequest"))).build());
        assertThat(lines(engine, SERVER)).containsExactly("in " + client.id() + " 0/ICMP allow", "in " + client.id() + " 8/ICMP allow");
        assertThat(verdict(engine, SERVER, client.id(), INGRESS, ICMP, 8).allowed()).isTrue();
        assertThat(verdict(engine, SERVER, client.id(), INGRESS, ICMP, 3).allowed()).isFalse();
        assertThat(verdict(engine, SERVER, client.id(), INGRESS, TCP, 8).allowed()).isFalse();
    }

    @Test
    void ingressNamedPortsResolveAgainstTheEndpointsOwnPorts() {
        engine.upsertEndpoint(20, server, List.of(new NamedPort("http", 9090, Protocol.TCP), new NamedPort("http", 9091, Protocol.UDP)));
        set(rule(cnp(NS, "p"), pods(NS, "app=server")).ingress(anyPeer(named("http", Protocol.TCP))).build());
        assertThat(lines(engine, SERVER)).containsExactly("in 0 8080/TCP allow");
        assertThat(lines(engine, 20)).containsExactly("in 0 9090/TCP allow");
    }

    @Test
    void anUnresolvableNamedPortAllowsNothingButStillEnforces() {
        set(rule(cnp(NS, "p"), pods(NS, "app=client")).ingress(anyPeer(named("http", Protocol.TCP))).build());
        assertThat(engine.entries(CLIENT)).isEmpty();
        assertThat(engine.enforcement(CLIENT).ingress()).isTrue();
    }

    @Test
    void egressNamedPortsResolveAgainstEveryPortInTheCluster() {
        engine.setClusterNamedPorts(Map.of("metrics", Set.of(new NamedPort("metrics", 9100, Protocol.TCP),
                new NamedPort("metrics", 9200, Protocol.TCP))));
        set(rule(cnp(NS, "p"), pods(NS, "app=client")).egress(anyPeer(named("metrics", Protocol.TCP)), anyPeer(named("http", Protocol.TCP))).build());
        assertThat(lines(engine, CLIENT)).as("the client's own ports do not count on egress")
                .containsExactly("out 0 9100/TCP allow", "out 0 9200/TCP allow");

        engine.setClusterNamedPorts(Map.of("metrics", Set.of(new NamedPort("metrics", 9300, Protocol.TCP))));
        assertThat(lines(engine, CLIENT)).containsExactly("out 0 9300/TCP allow");
    }

    @Test
    void hostEntitySelectsIdentityOne() {
        set(rule(cnp(NS, "p"), pods(NS, "app=server")).ingress(peers(entity(Entity.HOST))).build());
        assertThat(lines(engine, SERVER)).containsExactly("in 1 ANY allow");
    }

    @Test
    void worldEntitySelectsWorldAndEveryCidrIdentityButNoPod() {
        set(rule(cnp(NS, "cidr"), pods(NS, "app=other")).egress(peers(cidr("192.0.2.0/24"))).build());
        int cidrId = engine.cidrIdentities().values().iterator().next();
        set(rule(cnp(NS, "p"), pods(NS, "app=server")).egress(peers(entity(Entity.WORLD))).build());
        assertThat(lines(engine, SERVER)).containsExactly("out 2 ANY allow", "out " + cidrId + " ANY allow");

        set(rule(cnp(NS, "cidr2"), pods(NS, "app=other")).egress(peers(cidr("198.51.100.7/32"))).build());
        assertThat(engine.entries(SERVER)).as("a CIDR identity that appears later is selected too").hasSize(3);
    }

    @Test
    void clusterEntitySelectsReservedClusterIdentitiesAndPodsButNotTheWorld() {
        set(rule(cnp(NS, "cidr"), pods(NS, "app=other")).egress(peers(cidr("192.0.2.0/24"))).build());
        set(rule(cnp(NS, "p"), pods(NS, "app=server")).ingress(peers(entity(Entity.CLUSTER))).build());
        assertThat(engine.entries(SERVER).keySet()).extracting(PolicyKey::identity)
                .containsExactlyInAnyOrder(1, 3, 4, 5, 6, 7, 8, server.id(), client.id(), other.id());
    }

    @Test
    void allEntityIsTheAnyPeerWildcard() {
        set(rule(cnp(NS, "p"), pods(NS, "app=server")).ingress(peer(entity(Entity.ALL), tcp(443))).build());
        assertThat(lines(engine, SERVER)).containsExactly("in 0 443/TCP allow");
        assertThat(verdict(engine, SERVER, Identity.WORLD, INGRESS, TCP, 443).allowed()).isTrue();
    }

    @Test
    void noneEntitySelectsNothingButEnforces() {
        set(rule(cnp(NS, "p"), pods(NS, "app=server")).ingress(peers(entity(Entity.NONE))).build());
        assertThat(engine.entries(SERVER)).isEmpty();
        assertThat(engine.enforcement(SERVER).ingress()).isTrue();
    }

    @Test
    void remoteNodeEntityIncludesTheApiserverNodesAndKubeApiserverOnlyThose() {
        set(rule(cnp(NS, "p"), pods(NS, "app=server")).ingress(peers(entity(Entity.REMOTE_NODE))).build());
        assertThat(engine.entries(SERVER).keySet()).extracting(PolicyKey::identity).containsExactlyInAnyOrder(6, 7);
        set(rule(cnp(NS, "p"), pods(NS, "app=server")).ingress(peers(entity(Entity.KUBE_APISERVER))).build());
        assertThat(engine.entries(SERVER).keySet()).extracting(PolicyKey::identity).containsExactly(7);
    }

    @Test
    void cidrWithExceptSelectsThePrefixButNotTheExceptPrefixNorPods() {
        set(rule(cnp(NS, "p"), pods(NS, "app=client")).egress(peer(cidr("10.0.0.0/8", "10.1.0.0/16"), tcp(443))).build());
        Map<Ipv4Prefix, Integer> ids = engine.cidrIdentities();
        int outer = ids.get(Ipv4Prefix.parse("10.0.0.0/8"));
        int except = ids.get(Ipv4Prefix.parse("10.1.0.0/16"));
        assertThat(outer).isNotEqualTo(except);
        assertThat(engine.identity(except)).get().extracting(i -> i.labels().strings())
                .isEqualTo(List.of("cidr:10.1.0.0/16", "reserved:world"));
        assertThat(lines(engine, CLIENT)).containsExactly("out " + outer + " 443/TCP allow");
        assertThat(verdict(engine, CLIENT, except, EGRESS, TCP, 443).allowed()).isFalse();
        assertThat(verdict(engine, CLIENT, Identity.WORLD, EGRESS, TCP, 443).allowed()).isFalse();

        set(rule(cnp(NS, "q"), pods(NS, "app=other")).egress(peers(cidr("10.2.0.0/16"))).build());
        int inner = engine.cidrIdentities().get(Ipv4Prefix.parse("10.2.0.0/16"));
        assertThat(verdict(engine, CLIENT, inner, EGRESS, TCP, 443).allowed())
                .as("a narrower prefix named elsewhere lies inside 10/8").isTrue();
    }

    @Test
    void theWholeAddressSpaceSelectsWorldAndCidrIdentitiesButNeverPodsOrHost() {
        set(rule(cnp(NS, "q"), pods(NS, "app=other")).egress(peers(cidr("203.0.113.0/24"))).build());
        int c = engine.cidrIdentities().values().iterator().next();
        set(rule(cnp(NS, "p"), pods(NS, "app=client")).egress(peers(cidr("0.0.0.0/0"))).build());
        assertThat(engine.entries(CLIENT).keySet()).extracting(PolicyKey::identity).containsExactlyInAnyOrder(2, c);
        assertThat(engine.cidrIdentities()).doesNotContainKey(Ipv4Prefix.parse("0.0.0.0/0"));
    }

    @Test
    void changingAnEndpointsLabelsReResolvesItsPolicy() {
        set(rule(cnp(NS, "p"), pods(NS, "app=server")).ingress(peers(entity(Entity.HOST))).build());
        engine.upsertEndpoint(OTHER, server, List.of());
        assertThat(lines(engine, OTHER)).containsExactly("in 1 ANY allow");
        assertThat(engine.enforcement(OTHER).ingress()).isTrue();
        engine.upsertEndpoint(OTHER, other, List.of());
        assertThat(engine.entries(OTHER)).isEmpty();
        assertThat(engine.enforcement(OTHER)).isEqualTo(Enforcement.NONE);
    }

    @Test
    void allowLocalhostLetsTheHostReachEveryEndpointWithoutEnforcing() {
        PolicyEngine e = new PolicyEngine(new IdentityAllocator(), List.of(BuiltinRules.allowLocalhost()));
        Identity a = pod(e, NS, "app=a");
        e.upsertEndpoint(1, a, List.of());
        e.upsertEndpoint(2, pod(e, "kube-system", "k8s-app=kube-dns"), List.of());
        for (int ep : new int[] {1, 2}) {
            assertThat(lines(e, ep)).containsExactly("in 1 ANY allow");
            assertThat(e.enforcement(ep)).isEqualTo(Enforcement.NONE);
            assertThat(rulesOf(e, ep, PolicyKey.l3(1, INGRESS))).extracting(r -> r.origin())
                    .containsExactly(BuiltinRules.ALLOW_LOCALHOST);
        }
        e.setPolicy(cnp(NS, "p"), List.of(rule(cnp(NS, "p"), pods(NS, "app=a")).ingress(peers()).build()));
        assertThat(e.enforcement(1).ingressBy()).containsExactly(cnp(NS, "p"));
        assertThat(verdict(e, 1, Identity.HOST, INGRESS, TCP, 8080).allowed()).isTrue();
        assertThat(verdict(e, 1, Identity.WORLD, INGRESS, TCP, 8080).allowed()).isFalse();
    }
}
