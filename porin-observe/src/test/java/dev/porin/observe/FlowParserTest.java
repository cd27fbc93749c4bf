// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import dev.porin.datapath.DropReason;
import dev.porin.datapath.events.DatapathEvent;
import dev.porin.datapath.events.Packet;
import dev.porin.hubble.flow.TraceObservationPoint;
import dev.porin.hubble.flow.TraceReason;
import dev.porin.hubble.flow.TrafficDirection;
import dev.porin.hubble.flow.Verdict;
import dev.porin.labels.Label;
import dev.porin.labels.Labels;
import dev.porin.policy.api.Direction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.porin.observe.Fixtures.ALLOW_RULE;
import static dev.porin.observe.Fixtures.DB;
import static dev.porin.observe.Fixtures.DB_DEFAULT_DENY;
import static dev.porin.observe.Fixtures.DB_IP;
import static dev.porin.observe.Fixtures.DENY_RULE;
import static dev.porin.observe.Fixtures.DEV;
import static dev.porin.observe.Fixtures.DEV_IP;
import static dev.porin.observe.Fixtures.OUTSIDE_IP;
import static dev.porin.observe.Fixtures.WEB;
import static dev.porin.observe.Fixtures.WEB_IP;
import static dev.porin.observe.Fixtures.WORLD;
import static dev.porin.observe.Fixtures.WORLD_EP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events to flows, by Hubble's rules (cilium-facts §5.5): verdicts, direction, reply, observation points,
 * trace reasons, both ends resolved to pods or identities, and the policies behind every verdict.
 */
class FlowParserTest {

    private static final int TO_ENDPOINT = 0;
    private static final int TO_STACK = 3;
    private static final int FROM_ENDPOINT = 5;
    private static final int CT_NEW = 0;
    private static final int CT_REPLY = 2;
    private static final long KTIME = 5_000_000_000L;
    private static final long EPOCH_OFFSET = 1_700_000_000_000_000_000L;

    private static final Packet SYN = Fixtures.tcp(WEB_IP, 40000, DB_IP, 5432, Packet.TCP_SYN);
    private static final Packet SYN_ACK = Fixtures.tcp(DB_IP, 5432, WEB_IP, 40000, Packet.TCP_SYN | Packet.TCP_ACK);

    private final TestContext context = TestContext.node()
            .cookie(42, ALLOW_RULE)
            .cookie(77, DENY_RULE)
            .defaultDeny(DB.id(), Direction.INGRESS, DB_DEFAULT_DENY)
            .revision(9);
    private final FlowParser parser = new FlowParser(context);

    private Flow parse(DatapathEvent e) {
        return parser.parse(e, EPOCH_OFFSET);
    }

    private static DatapathEvent.Trace trace(int point, int reporter, int ctState, Packet p, int srcId, int dstId) {
        return new DatapathEvent.Trace(point, reporter, 0xabc, KTIME, 74, srcId, dstId, 0, ctState, 9, p);
    }

    private static DatapathEvent.Drop drop(int reason, int reporter, boolean ingress, int cookie, Packet p) {
        return drop(reason, reporter, ingress, cookie, p, WEB.identity());
    }

    private static DatapathEvent.Drop drop(int reason, int reporter, boolean ingress, int cookie, Packet p, int srcId) {
        return new DatapathEvent.Drop(reason, reporter, 0xdef, KTIME, 60, srcId, DB.identity(), DB.id(), 8, ingress,
                cookie, p);
    }

    private static DatapathEvent.PolicyVerdict verdict(int reporter, boolean ingress, int remote, int verdict,
                                                       boolean audited, int cookie, Packet p) {
        return new DatapathEvent.PolicyVerdict(reporter, 0x777, KTIME, 74, ingress, remote, verdict, p.dstPort(),
                p.protocol(), 2, audited, cookie, p);
    }

    // ---- traces

    @Test
    void aTraceIsForwardedAndKeepsWhatTheEventSaid() {
        Flow f = parse(trace(TO_ENDPOINT, DB.id(), CT_NEW, SYN, WEB.identity(), DB.identity()));

        assertThat(f.verdict()).isEqualTo(Verdict.FORWARDED);
        assertThat(f.dropReason()).isZero();
        assertThat(f.eventType()).isEqualTo(Flow.TYPE_TRACE);
        assertThat(f.eventSubType()).as("the datapath's observation point").isZero();
        assertThat(f.time()).isEqualTo(KTIME + EPOCH_OFFSET);
        assertThat(f.packet()).isSameAs(SYN);
        assertThat(f.length()).isEqualTo(74);
        assertThat(f.hash()).isEqualTo(0xabc);
        assertThat(f.ifindex()).isEqualTo(9);
        assertThat(f.reporter()).isEqualTo(DB.id());
        assertThat(f.matchType()).isZero();
        assertThat(f.allowedBy()).isEmpty();
        assertThat(f.deniedBy()).isEmpty();
        assertThat(f.policyRevision()).isEqualTo(9);
    }

    @Test
    void bothEndsOfATraceAreResolvedToPodsByAddress() {
        Flow f = parse(trace(TO_ENDPOINT, DB.id(), CT_NEW, SYN, WEB.identity(), DB.identity()));
        assertThat(f.source()).isSameAs(WEB);
        assertThat(f.destination()).isSameAs(DB);
    }

    @Test
    void anAddressOutsideTheNodeIsItsIdentity() {
        Packet in = Fixtures.tcp(OUTSIDE_IP, 443, DB_IP, 5432, Packet.TCP_SYN);
        Flow f = parse(trace(TO_ENDPOINT, DB.id(), CT_NEW, in, WORLD, DB.identity()));
        assertThat(f.source()).isSameAs(WORLD_EP);
        assertThat(f.source().isPod()).isFalse();
        assertThat(f.source().id()).isZero();
        assertThat(f.destination()).isSameAs(DB);
    }

    @Test
    void anUnknownIdentityHasNoLabels() {
        Packet in = Fixtures.tcp("172.16.0.1", 443, DB_IP, 5432, Packet.TCP_SYN);
        Flow f = parse(trace(TO_ENDPOINT, DB.id(), CT_NEW, in, 16_777_300, DB.identity()));
        assertThat(f.source().identity()).isEqualTo(16_777_300);
        assertThat(f.source().labels()).isEqualTo(Labels.EMPTY);
    }

    @Test
    void theDatapathsIdentityForAPodWinsOverTheDirectorys() {
        Labels relabelled = Labels.of(Label.k8s("app", "web"), Label.k8s("version", "2"));
        context.identity(FlowEndpoint.ofIdentity(5555, relabelled));
        Flow f = parse(trace(TO_ENDPOINT, DB.id(), CT_NEW, SYN, 5555, DB.identity()));
        assertThat(f.source().identity()).isEqualTo(5555);
        assertThat(f.source().labels()).isEqualTo(relabelled);
        assertThat(f.source().podName()).isEqualTo(WEB.podName());
        assertThat(f.source().id()).isEqualTo(WEB.id());
    }

    @Test
    void aRequestSeenWhereItArrivesIsIngress() {
        Flow f = parse(trace(TO_ENDPOINT, DB.id(), CT_NEW, SYN, WEB.identity(), DB.identity()));
        assertThat(f.direction()).isEqualTo(TrafficDirection.INGRESS);
        assertThat(f.reply()).isFalse();
        assertThat(f.point()).isEqualTo(TraceObservationPoint.TO_ENDPOINT);
        assertThat(f.traceReason()).isEqualTo(TraceReason.NEW);
    }

    @Test
    void aRequestSeenWhereItLeavesIsEgress() {
        Flow f = parse(trace(FROM_ENDPOINT, WEB.id(), CT_NEW, SYN, WEB.identity(), DB.identity()));
        assertThat(f.direction()).isEqualTo(TrafficDirection.EGRESS);
        assertThat(f.point()).isEqualTo(TraceObservationPoint.FROM_ENDPOINT);
        assertThat(f.reply()).isFalse();
    }

    @Test
    void aRequestLeavingForTheStackIsEgress() {
        Packet out = Fixtures.tcp(DB_IP, 41000, OUTSIDE_IP, 443, Packet.TCP_SYN);
        Flow f = parse(trace(TO_STACK, DB.id(), CT_NEW, out, DB.identity(), WORLD));
        assertThat(f.direction()).isEqualTo(TrafficDirection.EGRESS);
        assertThat(f.point()).isEqualTo(TraceObservationPoint.TO_STACK);
        assertThat(f.destination()).isSameAs(WORLD_EP);
    }

    @Test
    void aReplyIsMarkedAndFlowsTheOtherWay() {
        // db answers web's connection; the reply is reported by web, which receives it: web's egress connection.
        Flow f = parse(trace(TO_ENDPOINT, WEB.id(), CT_REPLY, SYN_ACK, DB.identity(), WEB.identity()));
        assertThat(f.reply()).isTrue();
        assertThat(f.traceReason()).isEqualTo(TraceReason.REPLY);
        assertThat(f.source()).isSameAs(DB);
        assertThat(f.destination()).isSameAs(WEB);
        assertThat(f.direction()).isEqualTo(TrafficDirection.EGRESS);
    }

    @Test
    void aReplyReportedByItsSenderBelongsToTheSendersIngressConnection() {
        Flow f = parse(trace(TO_STACK, DB.id(), CT_REPLY, SYN_ACK, DB.identity(), WEB.identity()));
        assertThat(f.reply()).isTrue();
        assertThat(f.direction()).isEqualTo(TrafficDirection.INGRESS);
    }

    @ParameterizedTest(name = "datapath {0} is {1}")
    @CsvSource({
            "0, NEW", "1, ESTABLISHED", "2, REPLY", "3, RELATED", "4, REOPENED", "5, TRACE_REASON_UNKNOWN",
            "6, SRV6_ENCAP", "7, SRV6_DECAP", "8, ENCRYPT_OVERLAY", "130, REPLY", "128, NEW"})
    void traceReasonsAreShiftedAsHubbleDoes(int datapath, TraceReason expected) {
        Flow f = parse(trace(TO_ENDPOINT, DB.id(), datapath, SYN, WEB.identity(), DB.identity()));
        assertThat(f.traceReason()).isEqualTo(expected);
    }

    @Test
    void theEncryptionBitDoesNotHideAReply() {
        Flow f = parse(trace(TO_ENDPOINT, WEB.id(), 0x80 | CT_REPLY, SYN_ACK, DB.identity(), WEB.identity()));
        assertThat(f.reply()).isTrue();
        assertThat(f.direction()).isEqualTo(TrafficDirection.EGRESS);
    }

    @Test
    void aTraceWithAnUnknownReasonHasNoReplyOrDirection() {
        Flow f = parse(trace(TO_ENDPOINT, DB.id(), 5, SYN, WEB.identity(), DB.identity()));
        assertThat(f.reply()).isNull();
        assertThat(f.direction()).isEqualTo(TrafficDirection.TRAFFIC_DIRECTION_UNKNOWN);
        assertThat(f.verdict()).isEqualTo(Verdict.FORWARDED);
    }

    @ParameterizedTest(name = "datapath {0} is {1}")
    @CsvSource({"0, TO_ENDPOINT", "1, TO_PROXY", "2, TO_HOST", "3, TO_STACK", "4, TO_OVERLAY", "5, FROM_ENDPOINT",
            "6, FROM_PROXY", "7, FROM_HOST", "8, FROM_STACK", "9, FROM_OVERLAY", "10, FROM_NETWORK",
            "11, TO_NETWORK", "12, FROM_CRYPTO", "13, TO_CRYPTO", "99, UNKNOWN_POINT", "101, TO_ENDPOINT"})
    void observationPointsAreHubbles(int datapath, TraceObservationPoint expected) {
        Flow f = parse(trace(datapath, DB.id(), CT_NEW, SYN, WEB.identity(), DB.identity()));
        assertThat(f.point()).isEqualTo(expected);
        assertThat(f.eventSubType()).isEqualTo(datapath);
    }

    @Test
    void anIpv6TraceIsResolvedByIdentityOnly() {
        Flow f = parse(trace(TO_ENDPOINT, DB.id(), CT_NEW, Fixtures.ipv6(), WORLD, DB.identity()));
        assertThat(f.source()).isSameAs(WORLD_EP);
        assertThat(f.destination().isPod()).isFalse();
        assertThat(f.destination().identity()).isEqualTo(DB.identity());
    }

    // ---- drops

    @Test
    void aDropIsDroppedWithItsReasonAndNoReply() {
        Flow f = parse(drop(DropReason.INVALID_SIP.code(), WEB.id(), false, 0, SYN));
        assertThat(f.verdict()).isEqualTo(Verdict.DROPPED);
        assertThat(f.dropReason()).isEqualTo(132);
        assertThat(f.eventType()).isEqualTo(Flow.TYPE_DROP);
        assertThat(f.eventSubType()).isEqualTo(132);
        assertThat(f.reply()).as("a drop cannot tell").isNull();
        assertThat(f.point()).isEqualTo(TraceObservationPoint.UNKNOWN_POINT);
        assertThat(f.traceReason()).isEqualTo(TraceReason.TRACE_REASON_UNKNOWN);
        assertThat(f.time()).isEqualTo(KTIME + EPOCH_OFFSET);
        assertThat(f.length()).isEqualTo(60);
        assertThat(f.hash()).isEqualTo(0xdef);
        assertThat(f.ifindex()).isEqualTo(8);
        assertThat(f.reporter()).isEqualTo(WEB.id());
        assertThat(f.source()).isSameAs(WEB);
        assertThat(f.destination()).isSameAs(DB);
        assertThat(f.allowedBy()).isEmpty();
        assertThat(f.deniedBy()).as("not a policy drop").isEmpty();
    }

    @Test
    void aDropsDirectionIsItsFlag() {
        assertThat(parse(drop(133, DB.id(), true, 0, SYN)).direction()).isEqualTo(TrafficDirection.INGRESS);
        assertThat(parse(drop(133, WEB.id(), false, 0, SYN)).direction()).isEqualTo(TrafficDirection.EGRESS);
    }

    @Test
    void aPolicyDropWithoutRulesNamesThePoliciesThatMadeTheEndpointDefaultDeny() {
        Flow f = parse(drop(DropReason.POLICY.code(), DB.id(), true, 0, SYN));
        assertThat(f.deniedBy()).containsExactly(DB_DEFAULT_DENY);
        assertThat(f.deniedBy().getFirst().isDefaultDeny()).isTrue();
    }

    @Test
    void defaultDenyIsLookedUpForTheReportersDirection() {
        assertThat(parse(drop(DropReason.POLICY.code(), DB.id(), false, 0, SYN)).deniedBy()).isEmpty();
        assertThat(parse(drop(DropReason.POLICY.code(), WEB.id(), true, 0, SYN)).deniedBy()).isEmpty();
    }

    @Test
    void aPolicyDropByDenyRulesNamesThem() {
        Packet out = Fixtures.tcp(DEV_IP, 40000, DB_IP, 5432, Packet.TCP_SYN);
        Flow f = parse(drop(DropReason.POLICY_DENY.code(), DEV.id(), false, 77, out, DEV.identity()));
        assertThat(f.deniedBy()).containsExactly(DENY_RULE);
        assertThat(f.direction()).isEqualTo(TrafficDirection.EGRESS);
        assertThat(f.source()).isSameAs(DEV);
    }

    @Test
    void aCookieOnADropThatIsNotAboutPolicyNamesNothing() {
        assertThat(parse(drop(DropReason.CT_CREATE_FAILED.code(), DB.id(), true, 77, SYN)).deniedBy()).isEmpty();
    }

    @Test
    void aDropOfANonIpPacketHasOnlyIdentities() {
        Flow f = parse(drop(DropReason.UNKNOWN_L3.code(), WEB.id(), false, 0, Fixtures.arp()));
        assertThat(f.source().isPod()).isFalse();
        assertThat(f.source().identity()).isEqualTo(WEB.identity());
    }

    // ---- policy verdicts

    @Test
    void anAllowedIngressVerdictIsForwardedByTheRulesOfItsCookie() {
        Flow f = parse(verdict(DB.id(), true, WEB.identity(), 0, false, 42, SYN));
        assertThat(f.verdict()).isEqualTo(Verdict.FORWARDED);
        assertThat(f.eventType()).isEqualTo(Flow.TYPE_POLICY_VERDICT);
        assertThat(f.eventSubType()).isZero();
        assertThat(f.dropReason()).isZero();
        assertThat(f.direction()).isEqualTo(TrafficDirection.INGRESS);
        assertThat(f.reply()).as("verdicts are for a connection's first packet").isFalse();
        assertThat(f.source()).as("the remote end").isSameAs(WEB);
        assertThat(f.destination()).as("the reporting endpoint").isSameAs(DB);
        assertThat(f.allowedBy()).containsExactly(ALLOW_RULE);
        assertThat(f.deniedBy()).isEmpty();
        assertThat(f.matchType()).isEqualTo(2);
        assertThat(f.reporter()).isEqualTo(DB.id());
        assertThat(f.hash()).isEqualTo(0x777);
        assertThat(f.ifindex()).isZero();
        assertThat(f.point()).isEqualTo(TraceObservationPoint.UNKNOWN_POINT);
        assertThat(f.time()).isEqualTo(KTIME + EPOCH_OFFSET);
    }

    @Test
    void anEgressVerdictHasTheLocalEndpointAsSource() {
        Packet out = Fixtures.tcp(WEB_IP, 40000, OUTSIDE_IP, 443, Packet.TCP_SYN);
        Flow f = parse(verdict(WEB.id(), false, WORLD, 0, false, 0, out));
        assertThat(f.direction()).isEqualTo(TrafficDirection.EGRESS);
        assertThat(f.source()).isSameAs(WEB);
        assertThat(f.destination()).isSameAs(WORLD_EP);
        assertThat(f.allowedBy()).isEmpty();
    }

    @Test
    void aPositiveVerdictIsARedirectToTheProxy() {
        Flow f = parse(verdict(DB.id(), true, WEB.identity(), 15001, false, 42, SYN));
        assertThat(f.verdict()).isEqualTo(Verdict.REDIRECTED);
        assertThat(f.reply()).isFalse();
        assertThat(f.allowedBy()).containsExactly(ALLOW_RULE);
    }

    @Test
    void aNegativeVerdictIsADropWithTheNegatedReason() {
        Flow f = parse(verdict(DB.id(), true, WEB.identity(), -133, false, 0, SYN));
        assertThat(f.verdict()).isEqualTo(Verdict.DROPPED);
        assertThat(f.dropReason()).isEqualTo(133);
        assertThat(f.reply()).isNull();
        assertThat(f.deniedBy()).containsExactly(DB_DEFAULT_DENY);
        assertThat(f.allowedBy()).isEmpty();
    }

    @Test
    void aVerdictDeniedByRulesNamesThem() {
        Packet out = Fixtures.tcp(DEV_IP, 40000, DB_IP, 5432, Packet.TCP_SYN);
        Flow f = parse(verdict(DEV.id(), false, DB.identity(), -181, false, 77, out));
        assertThat(f.verdict()).isEqualTo(Verdict.DROPPED);
        assertThat(f.dropReason()).isEqualTo(181);
        assertThat(f.deniedBy()).containsExactly(DENY_RULE);
        assertThat(f.source()).isSameAs(DEV);
        assertThat(f.destination()).isSameAs(DB);
    }

    @Test
    void anAuditedVerdictIsAuditAndNamesWhatWouldHaveDenied() {
        Flow f = parse(verdict(DB.id(), true, WEB.identity(), -133, true, 0, SYN));
        assertThat(f.verdict()).isEqualTo(Verdict.AUDIT);
        assertThat(f.dropReason()).as("nothing was dropped").isZero();
        assertThat(f.reply()).isFalse();
        assertThat(f.deniedBy()).containsExactly(DB_DEFAULT_DENY);
        assertThat(f.allowedBy()).isEmpty();
    }

    @Test
    void aVerdictForAnEndpointNotKnownByAddressStillNamesTheEndpoint() {
        Packet toGone = Fixtures.tcp(OUTSIDE_IP, 443, "10.200.9.9", 8080, Packet.TCP_SYN);
        Flow f = parse(verdict(99, true, WORLD, 0, false, 0, toGone));
        assertThat(f.destination().id()).isEqualTo(99);
        assertThat(f.destination().identity()).isZero();
        assertThat(f.destination().isPod()).isFalse();
        assertThat(f.source()).isSameAs(WORLD_EP);
    }

    @Test
    void aVerdictIsNotAttributedToAPodThatMerelySharesTheAddress() {
        // The packet claims db's address, but db is not the endpoint that reported the verdict.
        Flow f = parse(verdict(99, true, WEB.identity(), 0, false, 0, SYN));
        assertThat(f.destination().id()).isEqualTo(99);
        assertThat(f.destination().podName()).isEmpty();
    }
}
