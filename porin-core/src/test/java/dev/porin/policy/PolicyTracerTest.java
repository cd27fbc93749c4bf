// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.identity.IdentityAllocator;
import dev.porin.identity.SecurityLabels;
import dev.porin.labels.Label;
import dev.porin.labels.Labels;
import dev.porin.net.Ipv4Prefix;
import dev.porin.policy.api.Entity;
import dev.porin.policy.api.PolicyOrigin;
import dev.porin.policy.api.Protocol;
import dev.porin.policy.api.Rule;
import dev.porin.policy.api.RuleRef;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.porin.policy.Fixtures.*;
import static dev.porin.policy.api.Direction.EGRESS;
import static dev.porin.policy.api.Direction.INGRESS;
import static org.assertj.core.api.Assertions.assertThat;

class PolicyTracerTest {

    private static final String NS = "prod";
    private static final Labels CLIENT = SecurityLabels.forPod(NS, Map.of("app", "client"), Map.of(), "default");
    private static final Labels SERVER = SecurityLabels.forPod(NS, Map.of("app", "server"), Map.of(), "default");
    private static final PolicyOrigin ALLOW = cnp(NS, "allow-client");
    private static final PolicyOrigin DENY = ccnp("deny-8443");

    private final Map<PolicyOrigin, List<Rule>> policies = new TreeMap<>();

    private void add(Rule r) {
        policies.computeIfAbsent(r.origin(), o -> new java.util.ArrayList<>()).add(r);
    }

    private PolicyTracer.Trace trace(Labels src, boolean srcLocal, Labels dst, boolean dstLocal, int proto, int port) {
        return PolicyTracer.trace(policies, List.of(BuiltinRules.allowLocalhost()), src, List.of(), srcLocal, dst,
                List.of(new NamedPort("https", 8443, Protocol.TCP)), dstLocal, proto, port);
    }

    @Test
    void withoutPolicyEverythingIsAllowedAndNothingIsEnforced() {
        PolicyTracer.Trace t = trace(CLIENT, true, SERVER, true, TCP, 80);
        assertThat(t.allowed()).isTrue();
        assertThat(t.egress().enforced()).isFalse();
        assertThat(t.ingress().enforced()).isFalse();
        assertThat(t.ingress().defaultDenyBy()).isEmpty();
    }

    @Test
    void anAllowedFlowNamesTheAllowingRule() {
        add(rule(ALLOW, pods(NS, "app=server")).ingress(peer(endpoints(pods(NS, "app=client")), tcp(80))).build());
        PolicyTracer.Trace t = trace(CLIENT, true, SERVER, true, TCP, 80);
        assertThat(t.allowed()).isTrue();
        assertThat(t.ingress().enforced()).isTrue();
        assertThat(t.ingress().direction()).isEqualTo(INGRESS);
        assertThat(t.ingress().rules()).containsExactly(new RuleRef(ALLOW, 0, INGRESS, false, 0));
        assertThat(t.ingress().verdict().match()).isEqualTo(PolicyLookup.MatchType.L3_L4);
        assertThat(t.egress().enforced()).isFalse();
    }

    @Test
    void aFlowNoRuleAllowsIsDeniedByDefaultDenyNamingThePoliciesBehindIt() {
        add(rule(ALLOW, pods(NS, "app=server")).ingress(peer(endpoints(pods(NS, "app=client")), tcp(80))).build());
        PolicyTracer.Trace t = trace(CLIENT, true, SERVER, true, TCP, 81);
        assertThat(t.allowed()).isFalse();
        assertThat(t.ingress().allowed()).isFalse();
        assertThat(t.ingress().verdict().explicitDeny()).isFalse();
        assertThat(t.ingress().rules()).isEmpty();
        assertThat(t.ingress().defaultDenyBy()).containsExactly(ALLOW);
    }

    @Test
    void anExplicitDenyNamesTheDenyRuleEvenWhereAnAllowMatches() {
        add(rule(ALLOW, pods(NS, "app=server")).ingress(peers(endpoints(pods(NS, "app=client")))).build());
        add(rule(DENY, pods(null, "app=server")).ingressDeny(anyPeer(named("https", Protocol.TCP))).build());
        PolicyTracer.Trace t = trace(CLIENT, true, SERVER, true, TCP, 8443);
        assertThat(t.allowed()).isFalse();
        assertThat(t.ingress().verdict().explicitDeny()).isTrue();
        assertThat(t.ingress().rules()).containsExactly(new RuleRef(DENY, 0, INGRESS, true, 0));
        assertThat(trace(CLIENT, true, SERVER, true, TCP, 443).allowed()).isTrue();
    }

    @Test
    void egressOfTheSourceAndIngressOfTheDestinationMustBothAllow() {
        add(rule(ALLOW, pods(NS, "app=server")).ingress(peers(endpoints(pods(NS, "app=client")))).build());
        PolicyOrigin egress = cnp(NS, "client-egress");
        add(rule(egress, pods(NS, "app=client")).egress(peer(endpoints(pods(NS, "app=server")), tcp(443))).build());
        assertThat(trace(CLIENT, true, SERVER, true, TCP, 443).allowed()).isTrue();
        PolicyTracer.Trace t = trace(CLIENT, true, SERVER, true, TCP, 80);
        assertThat(t.ingress().allowed()).isTrue();
        assertThat(t.egress().allowed()).isFalse();
        assertThat(t.egress().direction()).isEqualTo(EGRESS);
        assertThat(t.egress().defaultDenyBy()).containsExactly(egress);
        assertThat(t.allowed()).isFalse();
    }

    @Test
    void sidesNotOnThisNodeAreNotPoliced() {
        add(rule(ALLOW, pods(NS, "app=server")).ingress(peers()).build());
        add(rule(cnp(NS, "client-egress"), pods(NS, "app=client")).egress(peers()).build());
        PolicyTracer.Trace remoteDestination = trace(CLIENT, false, SERVER, false, TCP, 80);
        assertThat(remoteDestination.ingress().enforced()).isFalse();
        assertThat(remoteDestination.egress().enforced()).isFalse();
        assertThat(remoteDestination.allowed()).isTrue();
        assertThat(remoteDestination.ingress().verdict().allowed()).as("the verdict is still computed").isFalse();
        assertThat(trace(CLIENT, true, SERVER, false, TCP, 80).allowed()).isFalse();
        assertThat(trace(CLIENT, false, SERVER, true, TCP, 80).allowed()).isFalse();
    }

    @Test
    void theLocalHostReachesEndpointsThroughTheBuiltinRule() {
        add(rule(ALLOW, pods(NS, "app=server")).ingress(peers()).build());
        PolicyTracer.Trace t = trace(Labels.of(Label.reserved("host")), false, SERVER, true, TCP, 8080);
        assertThat(t.allowed()).isTrue();
        assertThat(t.ingress().rules()).extracting(RuleRef::origin).containsExactly(BuiltinRules.ALLOW_LOCALHOST);
    }

    @Test
    void trafficToTheWorldAndToCidrsIsDecidedByTheirIdentities() {
        PolicyOrigin egress = cnp(NS, "client-egress");
        add(rule(egress, pods(NS, "app=client")).egress(peer(cidr("10.0.0.0/8", "10.1.0.0/16"), tcp(443))).build());
        Labels tenNet = IdentityAllocator.cidrLabels(Ipv4Prefix.parse("10.0.0.0/8"));
        Labels excepted = IdentityAllocator.cidrLabels(Ipv4Prefix.parse("10.1.0.0/16"));
        assertThat(trace(CLIENT, true, tenNet, false, TCP, 443).allowed()).isTrue();
        assertThat(trace(CLIENT, true, excepted, false, TCP, 443).allowed()).isFalse();
        assertThat(trace(CLIENT, true, Labels.of(Label.reserved("world")), false, TCP, 443).allowed()).isFalse();

        add(rule(egress, pods(NS, "app=client")).index(1).egress(peers(entity(Entity.WORLD))).build());
        assertThat(trace(CLIENT, true, Labels.of(Label.reserved("world")), false, UDP, 53).allowed()).isTrue();
        assertThat(trace(CLIENT, true, excepted, false, UDP, 53).allowed()).isTrue();
    }
}
