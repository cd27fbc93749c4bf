// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.identity.Identity;
import dev.porin.identity.IdentityAllocator;
import dev.porin.policy.api.Direction;
import dev.porin.policy.api.Entity;
import dev.porin.policy.api.IcmpField;
import dev.porin.policy.api.L7Rules;
import dev.porin.policy.api.Peer;
import dev.porin.policy.api.PeerRule;
import dev.porin.policy.api.PolicyKind;
import dev.porin.policy.api.PolicyOrigin;
import dev.porin.policy.api.PortRule;
import dev.porin.policy.api.Protocol;
import dev.porin.policy.api.Rule;
import dev.porin.policy.api.RuleRef;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.porin.policy.Fixtures.*;
import static dev.porin.policy.api.Direction.EGRESS;
import static dev.porin.policy.api.Direction.INGRESS;
import static org.assertj.core.api.Assertions.assertThat;

/** Deny beats allow, whatever the origin and specificity (cilium-facts §2.10), and entries name their rules. */
class PolicyEngineDenyTest {

    private static final String NS = "prod";
    private static final int SERVER = 10;
    private static final int CLIENT = 11;

    private PolicyEngine engine;
    private Identity server;
    private Identity client;
    private Identity other;

    @BeforeEach
    void clientAndServer() {
        engine = new PolicyEngine(new IdentityAllocator(), List.of());
        server = pod(engine, NS, "app=server");
        client = pod(engine, NS, "app=client");
        other = pod(engine, NS, "app=other");
        engine.upsertEndpoint(SERVER, server, List.of());
        engine.upsertEndpoint(CLIENT, client, List.of());
    }

    private void set(Rule r) {
        engine.setPolicy(r.origin(), List.of(r));
    }

    private Peer clientPeer() {
        return endpoints(pods(NS, "app=client"));
    }

    // ---- the documented truth table (_deny-precedence-table.yaml); all policies are ingress policies on the server

    static Stream<Arguments> denyPrecedenceTable() {
        List<Arguments> out = new ArrayList<>();
        for (boolean denyL4FromClientOnly : new boolean[] {false, true}) {
            // column, allow all four, deny L4 80/TCP, deny L3 client, expected curl :81, curl :80, ping
            out.add(Arguments.of(1, true, false, false, true, true, true, denyL4FromClientOnly));
            out.add(Arguments.of(2, true, true, false, true, false, true, denyL4FromClientOnly));
            out.add(Arguments.of(3, true, false, true, false, false, false, denyL4FromClientOnly));
            out.add(Arguments.of(4, true, true, true, false, false, false, denyL4FromClientOnly));
            out.add(Arguments.of(5, false, true, false, false, false, false, denyL4FromClientOnly));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "column {0}, L4 deny from client only: {7}")
    @MethodSource("denyPrecedenceTable")
    void denyPrecedenceTable(int column, boolean allows, boolean denyL4, boolean denyL3, boolean curl81, boolean curl80,
                             boolean ping, boolean denyL4FromClientOnly) {
        var subjects = pods(NS, "app=server");
        if (allows) {
            PortRule http = new PortRule(List.of(tcp(80)),
                    new L7Rules.Http(List.of(new L7Rules.HttpRule("GET", "/public", null, List.of()))), List.of());
            set(rule(cnp(NS, "allow-l7"), subjects)
                    .ingress(new PeerRule(false, List.of(clientPeer()), List.of(http), List.of())).build());
            set(rule(new PolicyOrigin(PolicyKind.NETWORK_POLICY, NS, "allow-80"), subjects).ingress(anyPeer(tcp(80))).build());
            set(rule(ccnp("allow-81"), pods(null, "app=server")).ingress(anyPeer(tcp(81))).build());
            set(rule(cnp(NS, "allow-client"), subjects).ingress(peers(clientPeer())).build());
        }
        if (denyL4) {
            PeerRule deny80 = denyL4FromClientOnly ? peer(clientPeer(), tcp(80)) : anyPeer(tcp(80));
            set(rule(ccnp("deny-80"), pods(null, "app=server")).ingressDeny(deny80).build());
        }
        if (denyL3) {
            set(rule(cnp(NS, "deny-client"), subjects).ingressDeny(peers(clientPeer())).build());
        }
        assertThat(engine.enforcement(SERVER).ingress()).as("a single selecting policy means default deny").isTrue();
        var v81 = verdict(engine, SERVER, client.id(), INGRESS, TCP, 81);
        var v80 = verdict(engine, SERVER, client.id(), INGRESS, TCP, 80);
        var vPing = verdict(engine, SERVER, client.id(), INGRESS, ICMP, 8);
        assertThat(v81.allowed()).as("curl server:81").isEqualTo(curl81);
        assertThat(v80.allowed()).as("curl server:80").isEqualTo(curl80);
        assertThat(vPing.allowed()).as("ping server").isEqualTo(ping);
        // a drop caused by a deny rule is reported as such (181), a drop for lack of an allow is not (133)
        assertThat(v80.explicitDeny()).isEqualTo(denyL4 || denyL3);
        assertThat(v81.explicitDeny()).isEqualTo(denyL3);
        assertThat(vPing.explicitDeny()).isEqualTo(denyL3);
        if (v80.explicitDeny()) {
            assertThat(engine.attribution(v80.entry().cookie())).isNotEmpty().allMatch(RuleRef::deny);
        }
    }

    // ---- deny and allow on the same peer

    @Test
    void aDenyRangeCoveringAnAllowedPortOfTheSamePeerIsNotMaterializedAsAnAllow() {
        set(rule(cnp(NS, "allow"), pods(NS, "app=server")).ingress(peer(clientPeer(), tcp(80), tcp(82))).build());
        set(rule(cnp(NS, "deny"), pods(NS, "app=server")).ingressDeny(peer(clientPeer(), range(80, 81, Protocol.TCP))).build());
        int c = client.id();
        assertThat(lines(engine, SERVER)).containsExactly("in " + c + " 80-81/TCP deny", "in " + c + " 82/TCP allow");
        assertThat(engine.entries(SERVER)).doesNotContainKey(PolicyKey.exact(c, INGRESS, TCP, 80));
        assertThat(verdict(engine, SERVER, c, INGRESS, TCP, 80).explicitDeny()).isTrue();
        assertThat(verdict(engine, SERVER, c, INGRESS, TCP, 82).allowed()).isTrue();

        engine.setPolicy(cnp(NS, "deny"), List.of());
        assertThat(lines(engine, SERVER)).as("the withheld allow comes back with the deny gone")
                .containsExactly("in " + c + " 80/TCP allow", "in " + c + " 82/TCP allow");
    }

    @Test
    void anAnyPeerDenyRangeBeatsAnExactPeerAllowOfAPortInside() {
        set(rule(cnp(NS, "allow"), pods(NS, "app=server")).ingress(peer(clientPeer(), tcp(8080))).build());
        set(rule(cnp(NS, "deny"), pods(NS, "app=server")).ingressDeny(anyPeer(range(8000, 8999, Protocol.TCP))).build());
        assertThat(verdict(engine, SERVER, client.id(), INGRESS, TCP, 8080).explicitDeny()).isTrue();
    }

    @Test
    void aBroaderAllowWithANarrowerDenyLeavesTheRestAllowed() {
        set(rule(cnp(NS, "allow"), pods(NS, "app=server")).ingress(peers(clientPeer())).build());
        set(rule(cnp(NS, "deny"), pods(NS, "app=server")).ingressDeny(peer(clientPeer(), tcp(80))).build());
        int c = client.id();
        assertThat(lines(engine, SERVER)).containsExactly("in " + c + " ANY allow", "in " + c + " 80/TCP deny");
        assertThat(verdict(engine, SERVER, c, INGRESS, TCP, 80).explicitDeny()).isTrue();
        assertThat(verdict(engine, SERVER, c, INGRESS, TCP, 81).allowed()).isTrue();
        assertThat(verdict(engine, SERVER, c, INGRESS, UDP, 80).allowed()).isTrue();
    }

    @Test
    void anL3DenyOfOnePeerBeatsAnAllowForEveryone() {
        set(rule(cnp(NS, "allow"), pods(NS, "app=server")).ingress(anyPeer(tcp(80))).build());
        set(rule(cnp(NS, "deny"), pods(NS, "app=server")).ingressDeny(peers(clientPeer())).build());
        assertThat(verdict(engine, SERVER, client.id(), INGRESS, TCP, 80).explicitDeny()).isTrue();
        assertThat(verdict(engine, SERVER, other.id(), INGRESS, TCP, 80).allowed()).isTrue();
    }

    @Test
    void denyingTheWorldDeniesCidrsAllowedElsewhere() {
        set(rule(cnp(NS, "allow"), pods(NS, "app=client")).egress(peer(cidr("10.0.0.0/8"), tcp(443))).build());
        set(rule(ccnp("no-world"), pods(null, "app=client")).egressDeny(peers(entity(Entity.WORLD))).build());
        int c = engine.cidrIdentities().values().iterator().next();
        assertThat(lines(engine, CLIENT)).containsExactly("out 2 ANY deny", "out " + c + " ANY deny");
        assertThat(verdict(engine, CLIENT, c, EGRESS, TCP, 443).explicitDeny()).isTrue();
    }

    @Test
    void denyAndAllowOfTheSameKeyIsADenyNamingOnlyTheDenyRule() {
        set(rule(cnp(NS, "allow"), pods(NS, "app=server")).ingress(peer(clientPeer(), tcp(80))).build());
        set(rule(cnp(NS, "deny"), pods(NS, "app=server")).ingressDeny(peer(clientPeer(), tcp(80))).build());
        PolicyKey k = PolicyKey.exact(client.id(), INGRESS, TCP, 80);
        assertThat(engine.entries(SERVER).get(k).deny()).isTrue();
        assertThat(rulesOf(engine, SERVER, k)).containsExactly(new RuleRef(cnp(NS, "deny"), 0, INGRESS, true, 0));
    }

    @Test
    void icmpDenyBeatsAnL3Allow() {
        set(rule(cnp(NS, "allow"), pods(NS, "app=server")).ingress(peers(clientPeer())).build());
        set(rule(cnp(NS, "deny"), pods(NS, "app=server")).ingressDeny(icmp(clientPeer(), new IcmpField(false, 8))).build());
        assertThat(verdict(engine, SERVER, client.id(), INGRESS, ICMP, 8).explicitDeny()).isTrue();
        assertThat(verdict(engine, SERVER, client.id(), INGRESS, ICMP, 0).allowed()).isTrue();
    }

    // ---- attribution

    @Test
    void everyEntryNamesTheRulesThatProducedIt() {
        set(rule(cnp(NS, "a"), pods(NS, "app=server")).ingress(peers(clientPeer()), anyPeer(tcp(80)))
                .ingressDeny(peer(endpoints(pods(NS, "app=other")), tcp(22))).egress(peers(entity(Entity.HOST))).build());
        set(rule(ccnp("b"), pods(null, "app=server")).index(2).egress(peer(cidr("192.0.2.0/24"), tcp(443))).build());
        Map<PolicyKey, PolicyEntry> entries = engine.entries(SERVER);
        assertThat(entries).hasSize(5);
        entries.forEach((k, e) -> {
            List<RuleRef> refs = engine.attribution(e.cookie());
            assertThat(refs).as("rules of %s", k).isNotEmpty()
                    .allSatisfy(r -> {
                        assertThat(r.direction()).isEqualTo(k.direction());
                        assertThat(r.deny()).isEqualTo(e.deny());
                    });
        });
        assertThat(rulesOf(engine, SERVER, PolicyKey.exact(0, INGRESS, TCP, 80)))
                .containsExactly(new RuleRef(cnp(NS, "a"), 0, INGRESS, false, 1));
        assertThat(rulesOf(engine, SERVER, PolicyKey.exact(other.id(), INGRESS, TCP, 22)))
                .containsExactly(new RuleRef(cnp(NS, "a"), 0, INGRESS, true, 0));
        int c = engine.cidrIdentities().values().iterator().next();
        assertThat(rulesOf(engine, SERVER, PolicyKey.exact(c, EGRESS, TCP, 443)))
                .containsExactly(new RuleRef(ccnp("b"), 2, EGRESS, false, 0));
        assertThat(rulesOf(engine, SERVER, PolicyKey.exact(c, EGRESS, TCP, 443)).getFirst())
                .hasToString("b (CiliumClusterwideNetworkPolicy) rule 2 egress[0]");
    }

    @Test
    void twoRulesProducingTheSameKeyAreBothNamed() {
        set(rule(cnp(NS, "a"), pods(NS, "app=server")).ingress(peer(clientPeer(), tcp(80))).build());
        set(rule(cnp(NS, "b"), pods(NS, "app=server")).ingress(peer(clientPeer(), tcp(80)), peers(clientPeer())).build());
        PolicyKey k = PolicyKey.exact(client.id(), INGRESS, TCP, 80);
        assertThat(rulesOf(engine, SERVER, k)).containsExactly(new RuleRef(cnp(NS, "a"), 0, INGRESS, false, 0),
                new RuleRef(cnp(NS, "b"), 0, INGRESS, false, 0));
        assertThat(rulesOf(engine, SERVER, PolicyKey.l3(client.id(), INGRESS)))
                .containsExactly(new RuleRef(cnp(NS, "b"), 0, INGRESS, false, 1));
    }

    @Test
    void equalRuleSetsShareACookieAndACookieIsForgottenWithItsLastEntry() {
        set(rule(cnp(NS, "a"), pods(NS, "app=server")).ingress(peer(clientPeer(), tcp(80), tcp(81))).build());
        int c80 = engine.entries(SERVER).get(PolicyKey.exact(client.id(), INGRESS, TCP, 80)).cookie();
        int c81 = engine.entries(SERVER).get(PolicyKey.exact(client.id(), INGRESS, TCP, 81)).cookie();
        assertThat(c80).isEqualTo(c81).isNotZero();
        engine.setPolicy(cnp(NS, "a"), List.of());
        assertThat(engine.attribution(c80)).isEmpty();
    }

    @Test
    void aDirectionOfARuleIsNamedWithItsListAndPosition() {
        RuleRef r = new RuleRef(cnp("default", "allow-app-to-db"), 0, Direction.INGRESS, false, 1);
        assertThat(r).hasToString("default/allow-app-to-db (CiliumNetworkPolicy) rule 0 ingress[1]");
        assertThat(new RuleRef(cnp("default", "x"), 1, EGRESS, true, 0).toString()).endsWith("rule 1 egressDeny[0]");
    }
}
