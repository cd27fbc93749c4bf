// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.policy.PolicyLookup.MatchType;
import dev.porin.policy.PolicyLookup.Verdict;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static dev.porin.policy.api.Direction.EGRESS;
import static dev.porin.policy.api.Direction.INGRESS;
import static org.assertj.core.api.Assertions.assertThat;

/** The datapath's two lookups (cilium-facts §3.2), step by step. */
class PolicyLookupTest {

    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int PEER = 300;

    private final Map<PolicyKey, PolicyEntry> entries = new HashMap<>();
    private int cookies = 1;

    private PolicyEntry allow(PolicyKey k) {
        PolicyEntry e = new PolicyEntry(false, cookies++);
        entries.put(k, e);
        return e;
    }

    private PolicyEntry deny(PolicyKey k) {
        PolicyEntry e = new PolicyEntry(true, cookies++);
        entries.put(k, e);
        return e;
    }

    private Verdict in(int peer, int proto, int port) {
        return PolicyLookup.lookup(entries, peer, INGRESS, proto, port);
    }

    @Test
    void noEntryMeansNotAllowedWithoutEntryOrExplicitDeny() {
        Verdict v = in(PEER, TCP, 80);
        assertThat(v.allowed()).isFalse();
        assertThat(v.entry()).isNull();
        assertThat(v.key()).isNull();
        assertThat(v.explicitDeny()).isFalse();
        assertThat(v.match()).isEqualTo(MatchType.NONE);
    }

    @Test
    void anExactPeerDenyShortCircuitsEvenAgainstALongerAnyPeerAllow() {
        PolicyEntry d = deny(PolicyKey.l3(PEER, INGRESS));
        allow(PolicyKey.exact(0, INGRESS, TCP, 80));
        Verdict v = in(PEER, TCP, 80);
        assertThat(v.allowed()).isFalse();
        assertThat(v.explicitDeny()).isTrue();
        assertThat(v.entry()).isEqualTo(d);
        assertThat(v.match()).isEqualTo(MatchType.L3_ONLY);
    }

    @Test
    void anyPeerDenyWinsOverExactPeerAllowWhateverThePrefixes() {
        allow(PolicyKey.exact(PEER, INGRESS, TCP, 80));
        PolicyEntry d = deny(PolicyKey.l3(0, INGRESS));
        Verdict v = in(PEER, TCP, 80);
        assertThat(v.allowed()).isFalse();
        assertThat(v.explicitDeny()).isTrue();
        assertThat(v.entry()).isEqualTo(d);
        assertThat(v.match()).isEqualTo(MatchType.ALL);
    }

    @Test
    void anyPeerDenyOnAPortWinsOverExactPeerL3Allow() {
        allow(PolicyKey.l3(PEER, INGRESS));
        PolicyEntry d = deny(PolicyKey.exact(0, INGRESS, TCP, 80));
        assertThat(in(PEER, TCP, 80).entry()).isEqualTo(d);
        assertThat(in(PEER, TCP, 80).match()).isEqualTo(MatchType.L4_ONLY);
        assertThat(in(PEER, TCP, 81).allowed()).isTrue();
        assertThat(in(PEER, TCP, 81).match()).isEqualTo(MatchType.L3_ONLY);
    }

    @Test
    void withoutExactPeerEntryTheAnyPeerEntryDecides() {
        PolicyEntry a = allow(PolicyKey.exact(0, INGRESS, TCP, 80));
        Verdict v = in(PEER, TCP, 80);
        assertThat(v.allowed()).isTrue();
        assertThat(v.entry()).isEqualTo(a);
        assertThat(v.key()).isEqualTo(PolicyKey.exact(0, INGRESS, TCP, 80));
        assertThat(v.match()).isEqualTo(MatchType.L4_ONLY);
        assertThat(in(PEER, TCP, 81).allowed()).isFalse();
    }

    @Test
    void aLongerAnyPeerPrefixIsChosenOverTheExactPeerEntry() {
        allow(new PolicyKey(PEER, INGRESS, TCP, 0, 0));
        PolicyEntry l4 = allow(PolicyKey.exact(0, INGRESS, TCP, 80));
        assertThat(in(PEER, TCP, 80).entry()).isEqualTo(l4);
        assertThat(in(PEER, TCP, 443).match()).isEqualTo(MatchType.L3_PROTO);
    }

    @Test
    void onEqualPrefixTheExactPeerEntryIsChosen() {
        PolicyEntry l3 = allow(PolicyKey.exact(PEER, INGRESS, TCP, 80));
        allow(PolicyKey.exact(0, INGRESS, TCP, 80));
        assertThat(in(PEER, TCP, 80).entry()).isEqualTo(l3);
        assertThat(in(PEER, TCP, 80).match()).isEqualTo(MatchType.L3_L4);
    }

    @Test
    void aLongerExactPeerPrefixBeatsAShorterAnyPeerAllow() {
        PolicyEntry l3 = allow(PolicyKey.exact(PEER, INGRESS, TCP, 80));
        allow(new PolicyKey(0, INGRESS, TCP, 0, 0));
        assertThat(in(PEER, TCP, 80).entry()).isEqualTo(l3);
        assertThat(in(PEER, TCP, 81).match()).isEqualTo(MatchType.PROTO_ONLY);
    }

    @Test
    void withinOnePeerTheLongestPrefixDecides() {
        allow(PolicyKey.l3(PEER, INGRESS));
        deny(PolicyKey.exact(PEER, INGRESS, TCP, 80));
        assertThat(in(PEER, TCP, 80).explicitDeny()).isTrue();
        assertThat(in(PEER, TCP, 80).match()).isEqualTo(MatchType.L3_L4);
        assertThat(in(PEER, TCP, 81).allowed()).isTrue();
        assertThat(in(PEER, UDP, 80).allowed()).isTrue();
    }

    @Test
    void anExactPeerAllowLongerThanAnExactPeerDenyIsWhatTheLookupFinds() {
        // The lookup itself is pure LPM per peer: keeping such an allow out of the map is the engine's job.
        deny(new PolicyKey(PEER, INGRESS, TCP, 80, 15));
        allow(PolicyKey.exact(PEER, INGRESS, TCP, 80));
        assertThat(in(PEER, TCP, 80).allowed()).isTrue();
        assertThat(in(PEER, TCP, 81).explicitDeny()).isTrue();
    }

    @Test
    void portRangePrefixesMatchEveryPortInsideOnly() {
        PolicyKey.range(PEER, INGRESS, TCP, 1024, 65535).forEach(this::allow);
        assertThat(in(PEER, TCP, 1023).allowed()).isFalse();
        assertThat(in(PEER, TCP, 1024).allowed()).isTrue();
        assertThat(in(PEER, TCP, 40000).allowed()).isTrue();
        assertThat(in(PEER, TCP, 65535).allowed()).isTrue();
        assertThat(in(PEER, UDP, 40000).allowed()).isFalse();
    }

    @Test
    void entriesOfOtherPeersDirectionsAndProtocolsDoNotMatch() {
        allow(PolicyKey.l3(PEER + 1, INGRESS));
        allow(PolicyKey.l3(PEER, EGRESS));
        allow(PolicyKey.exact(PEER, INGRESS, UDP, 80));
        assertThat(in(PEER, TCP, 80).allowed()).isFalse();
        assertThat(PolicyLookup.lookup(entries, PEER, EGRESS, TCP, 80).allowed()).isTrue();
    }

    @Test
    void anAnyPeerDenyDecidesEvenWhenNoExactEntryExists() {
        PolicyEntry d = deny(new PolicyKey(0, INGRESS, TCP, 0, 0));
        assertThat(in(PEER, TCP, 22).entry()).isEqualTo(d);
        assertThat(in(PEER, TCP, 22).explicitDeny()).isTrue();
        assertThat(in(PEER, UDP, 22).entry()).isNull();
    }

    @Test
    void icmpTypesAreMatchedWhereThePortGoes() {
        allow(PolicyKey.exact(PEER, INGRESS, 1, 8));
        assertThat(in(PEER, 1, 8).allowed()).isTrue();
        assertThat(in(PEER, 1, 0).allowed()).isFalse();
    }

    @Test
    void matchTypesCarryCiliumNumbers() {
        assertThat(MatchType.NONE.value()).isZero();
        assertThat(MatchType.L3_ONLY.value()).isEqualTo(1);
        assertThat(MatchType.L3_L4.value()).isEqualTo(2);
        assertThat(MatchType.L4_ONLY.value()).isEqualTo(3);
        assertThat(MatchType.ALL.value()).isEqualTo(4);
        assertThat(MatchType.L3_PROTO.value()).isEqualTo(5);
        assertThat(MatchType.PROTO_ONLY.value()).isEqualTo(6);
        assertThat(MatchType.of(2)).isEqualTo(MatchType.L3_L4);
        assertThat(MatchType.of(99)).isEqualTo(MatchType.NONE);
        assertThat(MatchType.L3_L4.text()).isEqualTo("L3-L4");
        assertThat(MatchType.PROTO_ONLY.text()).isEqualTo("Proto-Only");
    }
}
