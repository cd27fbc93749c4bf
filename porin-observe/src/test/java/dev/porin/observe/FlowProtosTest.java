// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.porin.datapath.events.Packet;
import dev.porin.hubble.flow.DropReason;
import dev.porin.hubble.flow.Endpoint;
import dev.porin.hubble.flow.FlowType;
import dev.porin.hubble.flow.IPVersion;
import dev.porin.hubble.flow.LostEventSource;
import dev.porin.hubble.flow.Policy;
import dev.porin.hubble.flow.TraceObservationPoint;
import dev.porin.hubble.flow.TraceReason;
import dev.porin.hubble.flow.TrafficDirection;
import dev.porin.hubble.flow.Verdict;
import dev.porin.hubble.observer.GetFlowsResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static dev.porin.observe.FlowBuilder.flow;
import static dev.porin.observe.Fixtures.ALLOW_RULE;
import static dev.porin.observe.Fixtures.DB;
import static dev.porin.observe.Fixtures.DB_DEFAULT_DENY;
import static dev.porin.observe.Fixtures.DB_IP;
import static dev.porin.observe.Fixtures.DENY_RULE;
import static dev.porin.observe.Fixtures.NODE;
import static dev.porin.observe.Fixtures.WEB;
import static dev.porin.observe.Fixtures.WEB_IP;
import static dev.porin.observe.Fixtures.WORLD_EP;
import static org.assertj.core.api.Assertions.assertThat;

/** Flows in Hubble's protobuf and JSON form (cilium-facts §5.2), field for field. */
class FlowProtosTest {

    private static final Flow SYN = flow().build();

    private static dev.porin.hubble.flow.Flow proto(Flow f) {
        return FlowProtos.flow(f, NODE);
    }

    private static JsonNode json(FlowEvent e) throws InvalidProtocolBufferException {
        String text = JsonFormat.printer().preservingProtoFieldNames().print(FlowProtos.response(e, NODE));
        return new ObjectMapper().readTree(text);
    }

    @Test
    void aTracedFlowHasEveryField() {
        dev.porin.hubble.flow.Flow p = proto(SYN);

        assertThat(p.getTime()).isEqualTo(FlowProtos.timestamp(SYN.time()));
        assertThat(p.getVerdict()).isEqualTo(Verdict.FORWARDED);
        assertThat(p.getType()).isEqualTo(FlowType.L3_L4);
        assertThat(p.getNodeName()).isEqualTo("node-1");
        assertThat(p.getEventType().getType()).isEqualTo(4);
        assertThat(p.getEventType().getSubType()).isZero();
        assertThat(p.getTrafficDirection()).isEqualTo(TrafficDirection.INGRESS);
        assertThat(p.getTraceObservationPoint()).isEqualTo(TraceObservationPoint.TO_ENDPOINT);
        assertThat(p.getTraceReason()).isEqualTo(TraceReason.NEW);
        assertThat(p.hasIsReply()).isTrue();
        assertThat(p.getIsReply().getValue()).isFalse();
        assertThat(p.getReply()).isFalse();
        assertThat(p.getDropReason()).isZero();
        assertThat(p.getDropReasonDesc()).isEqualTo(DropReason.DROP_REASON_UNKNOWN);
        assertThat(p.getInterface().getIndex()).isEqualTo(7);
        assertThat(p.getPolicyMatchType()).isZero();
        assertThat(p.getEmitter().getName()).isEqualTo("Porin");
        assertThat(p.getEmitter().getVersion()).isNotEmpty();

        assertThat(p.getEthernet().getSource()).isEqualTo("02:00:00:00:0a:01");
        assertThat(p.getEthernet().getDestination()).isEqualTo("02:00:00:00:0b:01");
        assertThat(p.getIP().getSource()).isEqualTo(WEB_IP);
        assertThat(p.getIP().getDestination()).isEqualTo(DB_IP);
        assertThat(p.getIP().getIpVersion()).isEqualTo(IPVersion.IPv4);
        assertThat(p.getIP().getEncrypted()).isFalse();
        assertThat(p.getL4().hasTCP()).isTrue();
        assertThat(p.getL4().getTCP().getSourcePort()).isEqualTo(40000);
        assertThat(p.getL4().getTCP().getDestinationPort()).isEqualTo(5432);
        assertThat(p.getL4().getTCP().getFlags().getSYN()).isTrue();
        assertThat(p.getL4().getTCP().getFlags().getACK()).isFalse();
        assertThat(p.getSummary()).isEqualTo("TCP Flags: SYN");

        assertThat(p.getIngressAllowedByList()).isEmpty();
        assertThat(p.getEgressAllowedByList()).isEmpty();
        assertThat(p.getIngressDeniedByList()).isEmpty();
        assertThat(p.getEgressDeniedByList()).isEmpty();
    }

    @Test
    void aPodEndpointHasItsPodAndCluster() {
        Endpoint src = proto(SYN).getSource();
        assertThat(src.getID()).isEqualTo(11);
        assertThat(src.getIdentity()).isEqualTo(1001);
        assertThat(src.getNamespace()).isEqualTo("prod");
        assertThat(src.getPodName()).isEqualTo("web-7d9f8-abcde");
        assertThat(src.getClusterName()).isEqualTo("prod-cluster");
        assertThat(src.getLabelsList()).containsExactly("k8s:app=web", "k8s:io.kubernetes.pod.namespace=prod",
                "k8s:tier=frontend");
        assertThat(proto(SYN).getDestination().getPodName()).isEqualTo("db-0");
    }

    @Test
    void anIdentityEndpointHasOnlyItsIdentityAndLabels() {
        Endpoint world = proto(flow().source(WORLD_EP).build()).getSource();
        assertThat(world.getID()).isZero();
        assertThat(world.getIdentity()).isEqualTo(2);
        assertThat(world.getLabelsList()).containsExactly("reserved:world");
        assertThat(world.getNamespace()).isEmpty();
        assertThat(world.getPodName()).isEmpty();
        assertThat(world.getClusterName()).isEmpty();
    }

    @Test
    void aDropHasItsReasonAndNoReplyFlag() {
        dev.porin.hubble.flow.Flow p = proto(FlowBuilder.drop(133).build());
        assertThat(p.getVerdict()).isEqualTo(Verdict.DROPPED);
        assertThat(p.getDropReason()).isEqualTo(133);
        assertThat(p.getDropReasonDesc()).isEqualTo(DropReason.POLICY_DENIED);
        assertThat(p.getEventType().getType()).isEqualTo(1);
        assertThat(p.getEventType().getSubType()).isEqualTo(133);
        assertThat(p.hasIsReply()).as("unknown, so unset").isFalse();
        assertThat(p.getReply()).isFalse();
        assertThat(p.getTraceObservationPoint()).isEqualTo(TraceObservationPoint.UNKNOWN_POINT);
    }

    @Test
    void aDropCodeHubbleDoesNotNameIsUnknownButKept() {
        dev.porin.hubble.flow.Flow p = proto(FlowBuilder.drop(250).build());
        assertThat(p.getDropReason()).isEqualTo(250);
        assertThat(p.getDropReasonDesc()).isEqualTo(DropReason.DROP_REASON_UNKNOWN);
    }

    @Test
    void aReplyIsMarkedInBothFields() {
        dev.porin.hubble.flow.Flow p = proto(flow().reply(true).build());
        assertThat(p.getIsReply().getValue()).isTrue();
        assertThat(p.getReply()).isTrue();
    }

    @Test
    void withoutAnInterfaceThereIsNoInterfaceField() {
        assertThat(proto(flow().ifindex(0).build()).hasInterface()).isFalse();
    }

    @Test
    void policiesArePlacedByDirection() {
        dev.porin.hubble.flow.Flow in = proto(flow().allowedBy(ALLOW_RULE).build());
        assertThat(in.getIngressAllowedByList()).hasSize(1);
        assertThat(in.getEgressAllowedByList()).isEmpty();

        dev.porin.hubble.flow.Flow out = proto(flow().direction(TrafficDirection.EGRESS).allowedBy(ALLOW_RULE).build());
        assertThat(out.getEgressAllowedByList()).hasSize(1);
        assertThat(out.getIngressAllowedByList()).isEmpty();

        dev.porin.hubble.flow.Flow deniedIn = proto(FlowBuilder.drop(133).deniedBy(DB_DEFAULT_DENY).build());
        assertThat(deniedIn.getIngressDeniedByList()).hasSize(1);
        assertThat(deniedIn.getEgressDeniedByList()).isEmpty();

        dev.porin.hubble.flow.Flow deniedOut = proto(FlowBuilder.drop(181).direction(TrafficDirection.EGRESS)
                .deniedBy(DENY_RULE, DB_DEFAULT_DENY).build());
        assertThat(deniedOut.getEgressDeniedByList()).hasSize(2);
        assertThat(deniedOut.getIngressDeniedByList()).isEmpty();
    }

    @Test
    void aPolicyHasCiliumsLabelsAndTheDecidingRule() {
        Policy p = proto(flow().allowedBy(ALLOW_RULE).revision(17).build()).getIngressAllowedBy(0);
        assertThat(p.getName()).isEqualTo("allow-web-to-db");
        assertThat(p.getNamespace()).isEqualTo("prod");
        assertThat(p.getKind()).isEqualTo("CiliumNetworkPolicy");
        assertThat(p.getRevision()).isEqualTo(17);
        assertThat(p.getLabelsList()).containsExactly(
                "k8s:io.cilium.k8s.policy.derived-from=CiliumNetworkPolicy",
                "k8s:io.cilium.k8s.policy.name=allow-web-to-db",
                "k8s:io.cilium.k8s.policy.namespace=prod",
                "porin:rule=rule 0 ingress[1]");
    }

    @Test
    void aClusterwidePolicyHasNoNamespace() {
        Policy p = proto(FlowBuilder.drop(181).direction(TrafficDirection.EGRESS).deniedBy(DENY_RULE).build())
                .getEgressDeniedBy(0);
        assertThat(p.getNamespace()).isEmpty();
        assertThat(p.getKind()).isEqualTo("CiliumClusterwideNetworkPolicy");
        assertThat(p.getLabelsList()).containsExactly(
                "k8s:io.cilium.k8s.policy.derived-from=CiliumClusterwideNetworkPolicy",
                "k8s:io.cilium.k8s.policy.name=deny-dev",
                "porin:rule=rule 2 egressDeny[0]");
    }

    @Test
    void aDefaultDenyPolicyIsNamedAsSuch() {
        Policy p = proto(FlowBuilder.drop(133).deniedBy(DB_DEFAULT_DENY).build()).getIngressDeniedBy(0);
        assertThat(p.getName()).isEqualTo("db-isolation");
        assertThat(p.getKind()).isEqualTo("NetworkPolicy");
        assertThat(p.getLabelsList()).contains("porin:rule=default-deny");
    }

    @Test
    void udpSctpAndIcmpHaveTheirLayer4() {
        var udp = proto(flow().packet(Fixtures.udp(WEB_IP, 53000, "8.8.8.8", 53)).build());
        assertThat(udp.getL4().getUDP().getSourcePort()).isEqualTo(53000);
        assertThat(udp.getL4().getUDP().getDestinationPort()).isEqualTo(53);
        assertThat(udp.getSummary()).isEqualTo("UDP");

        var sctp = proto(flow().packet(Fixtures.sctp(WEB_IP, 5000, DB_IP, 5001)).build());
        assertThat(sctp.getL4().getSCTP().getSourcePort()).isEqualTo(5000);
        assertThat(sctp.getL4().getSCTP().getDestinationPort()).isEqualTo(5001);
        assertThat(sctp.getSummary()).isEqualTo("SCTP");

        var icmp = proto(flow().packet(Fixtures.icmp(WEB_IP, DB_IP, 8, 0)).build());
        assertThat(icmp.getL4().getICMPv4().getType()).isEqualTo(8);
        assertThat(icmp.getL4().getICMPv4().getCode()).isZero();
        assertThat(icmp.getSummary()).isEqualTo("ICMPv4 EchoRequest");
    }

    @Test
    void anotherIpProtocolHasAnIpButNoLayer4() {
        Packet gre = new Packet(1, 2, Packet.ETH_IPV4, 4, Fixtures.ip(WEB_IP), Fixtures.ip(DB_IP), 47, 0, 0, 0, 0, 0);
        var p = proto(flow().packet(gre).build());
        assertThat(p.hasIP()).isTrue();
        assertThat(p.hasL4()).isFalse();
        assertThat(p.getSummary()).isEqualTo("IPv4");
    }

    @Test
    void aPacketWithoutIpv4HasOnlyEthernet() {
        var v6 = proto(flow().packet(Fixtures.ipv6()).build());
        assertThat(v6.hasEthernet()).isTrue();
        assertThat(v6.hasIP()).isFalse();
        assertThat(v6.hasL4()).isFalse();
        assertThat(v6.getSummary()).isEqualTo("IPv6");

        var arp = proto(flow().packet(Fixtures.arp()).build());
        assertThat(arp.getEthernet().getDestination()).isEqualTo("ff:ff:ff:ff:ff:ff");
        assertThat(arp.hasIP()).isFalse();
        assertThat(arp.getSummary()).isEqualTo("ARP");

        var nothing = proto(flow().packet(Packet.NONE).build());
        assertThat(nothing.hasEthernet()).isFalse();
        assertThat(nothing.hasIP()).isFalse();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "2   | SYN",
            "18  | SYN, ACK",
            "17  | ACK, FIN",
            "24  | ACK, PSH",
            "4   | RST",
            "20  | ACK, RST",
            "25  | ACK, FIN, PSH",
            "255 | SYN, ACK, RST, FIN, PSH, URG, ECE, CWR",
            "0   | ''"})
    void tcpFlagsAreSummarisedInHubblesOrder(int flags, String names) {
        Packet p = Fixtures.tcp(WEB_IP, 1, DB_IP, 2, flags);
        assertThat(FlowProtos.summary(p)).isEqualTo("TCP Flags: " + names);
    }

    @ParameterizedTest(name = "{0}/{1}: {2}")
    @CsvSource({
            "0, 0, EchoReply",
            "8, 0, EchoRequest",
            "8, 1, EchoRequest(Code: 1)",
            "3, 0, DestinationUnreachable(Net)",
            "3, 1, DestinationUnreachable(Host)",
            "3, 3, DestinationUnreachable(Port)",
            "3, 4, DestinationUnreachable(FragmentationNeeded)",
            "3, 10, DestinationUnreachable(HostAdminProhibited)",
            "3, 13, DestinationUnreachable(CommAdminProhibited)",
            "3, 15, DestinationUnreachable(PrecedenceCutoff)",
            "3, 16, DestinationUnreachable(Code: 16)",
            "4, 0, SourceQuench",
            "5, 1, Redirect(Host)",
            "5, 2, Redirect(TOS+Net)",
            "9, 0, RouterAdvertisement",
            "10, 0, RouterSolicitation",
            "11, 0, TimeExceeded(TTLExceeded)",
            "11, 1, TimeExceeded(FragmentReassemblyTimeExceeded)",
            "12, 2, ParameterProblem(BadLength)",
            "13, 0, TimestampRequest",
            "14, 0, TimestampReply",
            "15, 0, InfoRequest",
            "16, 0, InfoReply",
            "17, 0, AddressMaskRequest",
            "18, 0, AddressMaskReply",
            "42, 3, 42(3)"})
    void icmpIsSummarisedAsHubbleNamesItsTypeAndCode(int type, int code, String name) {
        assertThat(FlowProtos.summary(Fixtures.icmp(WEB_IP, DB_IP, type, code))).isEqualTo("ICMPv4 " + name);
    }

    @Test
    void timestampsAreNanosecondsSinceTheEpoch() {
        long t = 1_700_000_123_456_789_012L;
        assertThat(FlowProtos.timestamp(t).getSeconds()).isEqualTo(1_700_000_123L);
        assertThat(FlowProtos.timestamp(t).getNanos()).isEqualTo(456_789_012);
        assertThat(FlowProtos.nanos(FlowProtos.timestamp(t))).isEqualTo(t);
        assertThat(FlowProtos.timestamp(-1).getSeconds()).isEqualTo(-1);
        assertThat(FlowProtos.timestamp(-1).getNanos()).isEqualTo(999_999_999);
        assertThat(FlowProtos.nanos(FlowProtos.timestamp(-1))).isEqualTo(-1);
    }

    @Test
    void aResponseWrapsTheFlowWithNodeAndTime() {
        GetFlowsResponse r = FlowProtos.response(SYN, NODE);
        assertThat(r.getNodeName()).isEqualTo("node-1");
        assertThat(r.getTime()).isEqualTo(FlowProtos.timestamp(SYN.time()));
        assertThat(r.getFlow()).isEqualTo(proto(SYN));
    }

    @Test
    void lostEventsBecomeALostEventsResponse() {
        GetFlowsResponse r = FlowProtos.response(new LostEvents(42, LostEventSource.HUBBLE_RING_BUFFER, 7), NODE);
        assertThat(r.hasLostEvents()).isTrue();
        assertThat(r.getLostEvents().getSource()).isEqualTo(LostEventSource.HUBBLE_RING_BUFFER);
        assertThat(r.getLostEvents().getNumEventsLost()).isEqualTo(7);
        assertThat(r.getTime()).isEqualTo(FlowProtos.timestamp(42));
        assertThat(r.getNodeName()).isEqualTo("node-1");
    }

    @Test
    void jsonHasHubblesKeys() throws Exception {
        JsonNode r = json(flow().reply(false).build());
        assertThat(r.has("node_name")).isTrue();
        assertThat(r.has("time")).isTrue();
        JsonNode f = r.get("flow");
        assertThat(f.get("verdict").asString()).isEqualTo("FORWARDED");
        assertThat(f.get("Type").asString()).isEqualTo("L3_L4");
        assertThat(f.get("source").get("pod_name").asString()).isEqualTo("web-7d9f8-abcde");
        assertThat(f.get("source").get("ID").asInt()).isEqualTo(11);
        assertThat(f.get("source").get("cluster_name").asString()).isEqualTo("prod-cluster");
        assertThat(f.get("destination").get("namespace").asString()).isEqualTo("prod");
        assertThat(f.get("IP").get("source").asString()).isEqualTo(WEB_IP);
        assertThat(f.get("IP").get("ipVersion").asString()).isEqualTo("IPv4");
        assertThat(f.get("ethernet").get("source").asString()).isEqualTo("02:00:00:00:0a:01");
        assertThat(f.get("l4").get("TCP").get("destination_port").asInt()).isEqualTo(5432);
        assertThat(f.get("l4").get("TCP").get("flags").get("SYN").asBoolean()).isTrue();
        assertThat(f.get("Summary").asString()).isEqualTo("TCP Flags: SYN");
        assertThat(f.get("trace_observation_point").asString()).isEqualTo("TO_ENDPOINT");
        assertThat(f.get("trace_reason").asString()).isEqualTo("NEW");
        assertThat(f.get("traffic_direction").asString()).isEqualTo("INGRESS");
        assertThat(f.get("is_reply").asBoolean()).isFalse();
        assertThat(f.get("is_reply").isBoolean()).as("a wrapper prints as its value").isTrue();
        assertThat(f.get("event_type").get("type").asInt()).isEqualTo(4);
        assertThat(f.get("node_name").asString()).isEqualTo("node-1");
        assertThat(f.get("interface").get("index").asInt()).isEqualTo(7);
        assertThat(f.has("drop_reason_desc")).isFalse();
    }

    @Test
    void jsonOfADropHasItsReasonAndDenyingPolicies() throws Exception {
        JsonNode f = json(FlowBuilder.drop(133).deniedBy(DB_DEFAULT_DENY).build()).get("flow");
        assertThat(f.get("verdict").asString()).isEqualTo("DROPPED");
        assertThat(f.get("drop_reason").asInt()).isEqualTo(133);
        assertThat(f.get("drop_reason_desc").asString()).isEqualTo("POLICY_DENIED");
        assertThat(f.has("is_reply")).isFalse();
        assertThat(f.get("ingress_denied_by").get(0).get("name").asString()).isEqualTo("db-isolation");
        assertThat(f.get("ingress_denied_by").get(0).get("labels").toString()).contains("porin:rule=default-deny");
    }

    @Test
    void jsonOfAnEgressVerdictHasEgressAllowedBy() throws Exception {
        JsonNode f = json(flow().event(Flow.TYPE_POLICY_VERDICT, 0).direction(TrafficDirection.EGRESS).matchType(2)
                .destination(DB).source(WEB).allowedBy(ALLOW_RULE).build()).get("flow");
        assertThat(f.get("egress_allowed_by").get(0).get("kind").asString()).isEqualTo("CiliumNetworkPolicy");
        assertThat(f.get("policy_match_type").asInt()).isEqualTo(2);
        assertThat(f.get("traffic_direction").asString()).isEqualTo("EGRESS");
    }

    @Test
    void jsonOfLostEventsHasHubblesKeys() throws Exception {
        JsonNode r = json(new LostEvents(42, LostEventSource.PERF_EVENT_RING_BUFFER, 7));
        assertThat(r.get("lost_events").get("source").asString()).isEqualTo("PERF_EVENT_RING_BUFFER");
        assertThat(r.get("lost_events").get("num_events_lost").asInt()).isEqualTo(7);
    }
}
