// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import dev.porin.datapath.events.Packet;
import dev.porin.hubble.flow.DropReason;
import dev.porin.hubble.flow.EventTypeFilter;
import dev.porin.hubble.flow.FlowFilter;
import dev.porin.hubble.flow.HTTPHeader;
import dev.porin.hubble.flow.IPTraceID;
import dev.porin.hubble.flow.IPVersion;
import dev.porin.hubble.flow.LostEventSource;
import dev.porin.hubble.flow.NetworkInterface;
import dev.porin.hubble.flow.TCPFlags;
import dev.porin.hubble.flow.TrafficDirection;
import dev.porin.hubble.flow.Verdict;
import dev.porin.hubble.flow.Workload;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static dev.porin.observe.FlowBuilder.flow;
import static dev.porin.observe.Fixtures.DB;
import static dev.porin.observe.Fixtures.DB_IP;
import static dev.porin.observe.Fixtures.DEV;
import static dev.porin.observe.Fixtures.DEV_IP;
import static dev.porin.observe.Fixtures.NODE;
import static dev.porin.observe.Fixtures.OUTSIDE_IP;
import static dev.porin.observe.Fixtures.WEB;
import static dev.porin.observe.Fixtures.WEB_IP;
import static dev.porin.observe.Fixtures.WORLD_EP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hubble's flow filters on Porin's flows (cilium-facts §5.3): within one filter every set field must match and a
 * list matches if any value does; a request passes a flow that matches any whitelist filter and no blacklist
 * filter. Every field, and the errors for values that cannot be parsed.
 */
class FlowFiltersTest {

    /** web → db:5432 SYN, traced at db. */
    private static final Flow WEB_TO_DB = flow().build();
    /** db → web SYN-ACK, the reply. */
    private static final Flow DB_REPLY = flow().source(DB).destination(WEB).reply(true).direction(TrafficDirection.EGRESS)
            .packet(Fixtures.tcp(DB_IP, 5432, WEB_IP, 40000, Packet.TCP_SYN | Packet.TCP_ACK)).build();
    /** dev → db dropped by policy at db's ingress. */
    private static final Flow DEV_DROPPED = FlowBuilder.drop(133).source(DEV)
            .packet(Fixtures.tcp(DEV_IP, 41000, DB_IP, 5432, Packet.TCP_SYN)).build();
    /** the world pings web. */
    private static final Flow WORLD_PING = flow().source(WORLD_EP).destination(WEB)
            .packet(Fixtures.icmp(OUTSIDE_IP, WEB_IP, 8, 0)).ifindex(3).build();
    /** web asks DNS over UDP, egress. */
    private static final Flow WEB_DNS = flow().destination(WORLD_EP).direction(TrafficDirection.EGRESS)
            .point(dev.porin.hubble.flow.TraceObservationPoint.TO_STACK).event(Flow.TYPE_TRACE, 3)
            .packet(Fixtures.udp(WEB_IP, 53000, "8.8.8.8", 53)).build();
    private static final Flow IPV6 = flow().packet(Fixtures.ipv6()).build();
    private static final Flow ARP = flow().packet(Fixtures.arp()).build();

    private static FlowFilter.Builder filter() {
        return FlowFilter.newBuilder();
    }

    private static Predicate<Flow> compile(FlowFilter.Builder f) {
        return FlowFilters.compile(f.build(), NODE);
    }

    private static void rejected(FlowFilter.Builder f, String field) {
        assertThatThrownBy(() -> compile(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(field);
    }

    @Test
    void anEmptyFilterMatchesEveryFlow() {
        assertThat(Stream.of(WEB_TO_DB, DB_REPLY, DEV_DROPPED, WORLD_PING, WEB_DNS, IPV6, ARP))
                .allMatch(compile(filter()));
    }

    @Test
    void fieldsOfOneFilterMustAllMatch() {
        Predicate<Flow> p = compile(filter().addSourcePod("prod/").addVerdict(Verdict.DROPPED));
        assertThat(p).accepts(FlowBuilder.drop(133).build()).rejects(WEB_TO_DB, DEV_DROPPED);
    }

    @Nested
    class Addresses {

        @Test
        void exactAddressesAndCidrsMatchTheSource() {
            assertThat(compile(filter().addSourceIp(WEB_IP))).accepts(WEB_TO_DB).rejects(DB_REPLY);
            assertThat(compile(filter().addSourceIp("10.200.0.0/24"))).accepts(WEB_TO_DB, DB_REPLY).rejects(DEV_DROPPED);
            assertThat(compile(filter().addSourceIp("0.0.0.0/0"))).accepts(WEB_TO_DB, WORLD_PING);
            assertThat(compile(filter().addSourceIp("10.200.1.0/24").addSourceIp(OUTSIDE_IP)))
                    .accepts(DEV_DROPPED, WORLD_PING).rejects(WEB_TO_DB);
        }

        @Test
        void destinationAddressesMatchTheDestination() {
            assertThat(compile(filter().addDestinationIp(DB_IP))).accepts(WEB_TO_DB, DEV_DROPPED).rejects(DB_REPLY);
            assertThat(compile(filter().addDestinationIp("8.8.8.0/24"))).accepts(WEB_DNS).rejects(WEB_TO_DB);
        }

        @Test
        void aFlowWithoutIpv4MatchesNoAddress() {
            assertThat(compile(filter().addSourceIp("0.0.0.0/0"))).rejects(IPV6, ARP);
            assertThat(compile(filter().addDestinationIp("0.0.0.0/0"))).rejects(IPV6, ARP);
        }

        @Test
        void anIpv6AddressMatchesNothingHere() {
            assertThat(compile(filter().addSourceIp("fd00::1"))).rejects(WEB_TO_DB, IPV6);
            assertThat(compile(filter().addSourceIp("::/0").addSourceIp(WEB_IP))).accepts(WEB_TO_DB);
        }

        @ParameterizedTest(name = "''{0}''")
        @ValueSource(strings = {"10.0.0.300", "10.0.0.0/33", "web", "", "10.0.0.1/x"})
        void aBadAddressIsRejectedNamingTheField(String value) {
            rejected(filter().addSourceIp(value), "source_ip");
            rejected(filter().addDestinationIp(value), "destination_ip");
        }
    }

    @Nested
    class Pods {

        @Test
        void namespaceSlashPrefixMatchesPodsWhoseNameStartsWithIt() {
            assertThat(compile(filter().addSourcePod("prod/web-"))).accepts(WEB_TO_DB).rejects(DB_REPLY, DEV_DROPPED);
            assertThat(compile(filter().addSourcePod("prod/db-0"))).accepts(DB_REPLY);
            assertThat(compile(filter().addSourcePod("dev/web-"))).accepts(DEV_DROPPED).rejects(WEB_TO_DB);
        }

        @Test
        void namespaceSlashMatchesEveryPodInIt() {
            assertThat(compile(filter().addSourcePod("prod/"))).accepts(WEB_TO_DB, DB_REPLY).rejects(DEV_DROPPED);
        }

        @Test
        void aPrefixWithoutNamespaceMatchesInAnyNamespace() {
            assertThat(compile(filter().addSourcePod("web-"))).accepts(WEB_TO_DB, DEV_DROPPED).rejects(DB_REPLY);
        }

        @Test
        void destinationPodsMatchTheDestination() {
            assertThat(compile(filter().addDestinationPod("prod/db"))).accepts(WEB_TO_DB, DEV_DROPPED)
                    .rejects(DB_REPLY);
        }

        @Test
        void anEndpointThatIsNoPodMatchesNoPodFilter() {
            assertThat(compile(filter().addSourcePod("/"))).rejects(WORLD_PING);
            assertThat(compile(filter().addDestinationPod("prod/"))).rejects(WEB_DNS);
        }

        @ParameterizedTest(name = "''{0}''")
        @ValueSource(strings = {"", " ", "prod/web/x"})
        void aBadPodIsRejectedNamingTheField(String value) {
            rejected(filter().addSourcePod(value), "source_pod");
            rejected(filter().addDestinationPod(value), "destination_pod");
        }
    }

    @Nested
    class LabelsAndIdentities {

        @Test
        void labelSelectorsMatchTheEndpointsLabels() {
            assertThat(compile(filter().addSourceLabel("app=web"))).accepts(WEB_TO_DB, DEV_DROPPED).rejects(DB_REPLY);
            assertThat(compile(filter().addSourceLabel("k8s:app=web,k8s:io.kubernetes.pod.namespace=prod")))
                    .accepts(WEB_TO_DB).rejects(DEV_DROPPED);
            assertThat(compile(filter().addSourceLabel("reserved:world"))).accepts(WORLD_PING).rejects(WEB_TO_DB);
            assertThat(compile(filter().addDestinationLabel("tier in (backend)"))).accepts(WEB_TO_DB)
                    .rejects(DB_REPLY);
        }

        @Test
        void anyOfSeveralSelectorsMayMatch() {
            assertThat(compile(filter().addSourceLabel("app=db").addSourceLabel("reserved:world")))
                    .accepts(DB_REPLY, WORLD_PING).rejects(WEB_TO_DB);
        }

        @Test
        void aBadSelectorIsRejectedNamingTheField() {
            rejected(filter().addSourceLabel("env in prod"), "source_label");
            rejected(filter().addDestinationLabel("a b"), "destination_label");
        }

        @Test
        void identitiesMatchNumerically() {
            assertThat(compile(filter().addSourceIdentity(1001))).accepts(WEB_TO_DB).rejects(DB_REPLY);
            assertThat(compile(filter().addSourceIdentity(2).addSourceIdentity(1003))).accepts(WORLD_PING, DEV_DROPPED);
            assertThat(compile(filter().addDestinationIdentity(1002))).accepts(WEB_TO_DB).rejects(DB_REPLY);
        }

        @Test
        void clusterNamesMatchPodsOfThisCluster() {
            assertThat(compile(filter().addSourceClusterName("prod-cluster"))).accepts(WEB_TO_DB).rejects(WORLD_PING);
            assertThat(compile(filter().addSourceClusterName("other"))).rejects(WEB_TO_DB);
            assertThat(compile(filter().addDestinationClusterName("prod-cluster"))).accepts(WEB_TO_DB)
                    .rejects(WEB_DNS);
        }
    }

    @Nested
    class VerdictsAndEvents {

        @Test
        void verdictsMatch() {
            assertThat(compile(filter().addVerdict(Verdict.DROPPED))).accepts(DEV_DROPPED).rejects(WEB_TO_DB);
            assertThat(compile(filter().addVerdict(Verdict.FORWARDED).addVerdict(Verdict.AUDIT)))
                    .accepts(WEB_TO_DB, flow().verdict(Verdict.AUDIT).build()).rejects(DEV_DROPPED);
        }

        @Test
        void dropReasonsMatchDroppedFlowsOnly() {
            assertThat(compile(filter().addDropReasonDesc(DropReason.POLICY_DENIED))).accepts(DEV_DROPPED)
                    .rejects(WEB_TO_DB, FlowBuilder.drop(181).build());
            assertThat(compile(filter().addDropReasonDesc(DropReason.POLICY_DENY)
                    .addDropReasonDesc(DropReason.INVALID_SOURCE_IP))).accepts(FlowBuilder.drop(132).build());
        }

        @Test
        void directionsMatch() {
            assertThat(compile(filter().addTrafficDirection(TrafficDirection.EGRESS))).accepts(WEB_DNS, DB_REPLY)
                    .rejects(WEB_TO_DB);
            assertThat(compile(filter().addTrafficDirection(TrafficDirection.INGRESS))).accepts(WEB_TO_DB);
        }

        @Test
        void anEventTypeWithoutSubtypeMatchesEverySubtype() {
            Predicate<Flow> traces = compile(filter().addEventType(EventTypeFilter.newBuilder().setType(4)));
            assertThat(traces).accepts(WEB_TO_DB, WEB_DNS).rejects(DEV_DROPPED);
            assertThat(compile(filter().addEventType(EventTypeFilter.newBuilder().setType(1)))).accepts(DEV_DROPPED)
                    .rejects(WEB_TO_DB);
        }

        @Test
        void anEventTypeWithSubtypeMatchesThatSubtypeOnly() {
            // trace:to-endpoint is sub type 0, the datapath's number, not Hubble's 101.
            Predicate<Flow> toEndpoint = compile(filter().addEventType(
                    EventTypeFilter.newBuilder().setType(4).setMatchSubType(true).setSubType(0)));
            assertThat(toEndpoint).accepts(WEB_TO_DB).rejects(WEB_DNS);
            Predicate<Flow> policyDrops = compile(filter().addEventType(
                    EventTypeFilter.newBuilder().setType(1).setMatchSubType(true).setSubType(133)));
            assertThat(policyDrops).accepts(DEV_DROPPED).rejects(FlowBuilder.drop(181).build());
        }

        @Test
        void eventTypeZeroMatchesAnyType() {
            assertThat(compile(filter().addEventType(EventTypeFilter.newBuilder().setType(0))))
                    .accepts(WEB_TO_DB, DEV_DROPPED);
            assertThat(compile(filter().addEventType(
                    EventTypeFilter.newBuilder().setType(0).setMatchSubType(true).setSubType(133))))
                    .accepts(DEV_DROPPED).rejects(WEB_TO_DB);
        }

        @Test
        void repliesMatchTheirReplyFlag() {
            assertThat(compile(filter().addReply(true))).accepts(DB_REPLY).rejects(WEB_TO_DB, DEV_DROPPED);
            assertThat(compile(filter().addReply(false))).accepts(WEB_TO_DB).rejects(DB_REPLY);
            assertThat(compile(filter().addReply(true).addReply(false))).accepts(WEB_TO_DB, DB_REPLY);
        }

        @Test
        void aDropCountsAsNoReply() {
            // Hubble: drops do not know whether they were replies, yet match reply=false, as they matched the
            // deprecated reply field older clients such as Hubble UI filter on.
            assertThat(compile(filter().addReply(false))).accepts(DEV_DROPPED);
            assertThat(compile(filter().addReply(true))).rejects(DEV_DROPPED);
        }

        @Test
        void aForwardedFlowThatCannotTellMatchesNoReplyFilter() {
            Flow unknown = flow().reply(null).build();
            assertThat(compile(filter().addReply(false))).rejects(unknown);
            assertThat(compile(filter().addReply(true))).rejects(unknown);
        }
    }

    @Nested
    class Transport {

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"tcp", "TCP", "Tcp"})
        void protocolsMatchWhateverTheCase(String name) {
            assertThat(compile(filter().addProtocol(name))).accepts(WEB_TO_DB).rejects(WEB_DNS, WORLD_PING);
        }

        @Test
        void eachL4ProtocolHasItsName() {
            Flow sctp = flow().packet(Fixtures.sctp(WEB_IP, 5000, DB_IP, 5001)).build();
            assertThat(compile(filter().addProtocol("udp"))).accepts(WEB_DNS).rejects(WEB_TO_DB);
            assertThat(compile(filter().addProtocol("sctp"))).accepts(sctp).rejects(WEB_TO_DB);
            assertThat(compile(filter().addProtocol("icmp"))).accepts(WORLD_PING);
            assertThat(compile(filter().addProtocol("icmpv4"))).accepts(WORLD_PING);
            assertThat(compile(filter().addProtocol("icmpv6"))).rejects(WORLD_PING, IPV6);
            assertThat(compile(filter().addProtocol("udp").addProtocol("icmp"))).accepts(WEB_DNS, WORLD_PING)
                    .rejects(WEB_TO_DB);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"http", "dns", "kafka", "vrrp", "igmp"})
        void protocolsNoFlowHereHasMatchNothing(String name) {
            assertThat(compile(filter().addProtocol(name))).rejects(WEB_TO_DB, WEB_DNS, WORLD_PING, IPV6, ARP);
        }

        @Test
        void anUnknownProtocolIsRejectedNamingTheField() {
            rejected(filter().addProtocol("quic"), "protocol");
        }

        @Test
        void portsMatchTcpUdpAndSctp() {
            assertThat(compile(filter().addDestinationPort("5432"))).accepts(WEB_TO_DB).rejects(DB_REPLY);
            assertThat(compile(filter().addSourcePort("5432"))).accepts(DB_REPLY).rejects(WEB_TO_DB);
            assertThat(compile(filter().addDestinationPort("53").addDestinationPort("5432"))).accepts(WEB_DNS, WEB_TO_DB);
            assertThat(compile(filter().addSourcePort("53000"))).accepts(WEB_DNS);
        }

        @Test
        void icmpHasNoPorts() {
            assertThat(compile(filter().addDestinationPort("0"))).rejects(WORLD_PING, ARP).accepts(
                    flow().packet(Fixtures.udp(WEB_IP, 1, DB_IP, 0)).build());
        }

        @ParameterizedTest(name = "''{0}''")
        @ValueSource(strings = {"http", "70000", "-1", "", "80-90"})
        void aBadPortIsRejectedNamingTheField(String value) {
            rejected(filter().addSourcePort(value), "source_port");
            rejected(filter().addDestinationPort(value), "destination_port");
        }

        @Test
        void tcpFlagsMatchFlowsThatHaveAllOfThem() {
            Predicate<Flow> syn = compile(filter().addTcpFlags(TCPFlags.newBuilder().setSYN(true)));
            assertThat(syn).accepts(WEB_TO_DB, DB_REPLY).rejects(WEB_DNS, WORLD_PING);
            Predicate<Flow> synAck = compile(filter().addTcpFlags(TCPFlags.newBuilder().setSYN(true).setACK(true)));
            assertThat(synAck).accepts(DB_REPLY).rejects(WEB_TO_DB);
        }

        @Test
        void anyOfSeveralFlagSetsMayMatch() {
            Flow fin = flow().packet(Fixtures.tcp(WEB_IP, 1, DB_IP, 2, Packet.TCP_FIN | Packet.TCP_ACK)).build();
            Flow rst = flow().packet(Fixtures.tcp(WEB_IP, 1, DB_IP, 2, Packet.TCP_RST)).build();
            Predicate<Flow> p = compile(filter().addTcpFlags(TCPFlags.newBuilder().setFIN(true))
                    .addTcpFlags(TCPFlags.newBuilder().setRST(true)));
            assertThat(p).accepts(fin, rst).rejects(WEB_TO_DB);
            int all = 0xff;
            Flow christmas = flow().packet(Fixtures.tcp(WEB_IP, 1, DB_IP, 2, all)).build();
            assertThat(compile(filter().addTcpFlags(TCPFlags.newBuilder().setPSH(true).setURG(true).setECE(true)
                    .setCWR(true)))).accepts(christmas).rejects(fin);
        }

        @Test
        void ipVersionsMatch() {
            assertThat(compile(filter().addIpVersion(IPVersion.IPv4))).accepts(WEB_TO_DB).rejects(IPV6, ARP);
            assertThat(compile(filter().addIpVersion(IPVersion.IPv6))).accepts(IPV6).rejects(WEB_TO_DB);
            assertThat(compile(filter().addIpVersion(IPVersion.IPv4).addIpVersion(IPVersion.IPv6)))
                    .accepts(WEB_TO_DB, IPV6);
        }

        @Test
        void interfacesMatchByIndex() {
            assertThat(compile(filter().addInterface(NetworkInterface.newBuilder().setIndex(3)))).accepts(WORLD_PING)
                    .rejects(WEB_TO_DB);
            assertThat(compile(filter().addInterface(NetworkInterface.newBuilder().setIndex(3))
                    .addInterface(NetworkInterface.newBuilder().setIndex(7)))).accepts(WORLD_PING, WEB_TO_DB);
            assertThat(compile(filter().addInterface(NetworkInterface.newBuilder().setName("eth0"))))
                    .as("flows here carry no interface names").rejects(WEB_TO_DB);
        }

        @Test
        void nothingIsEncrypted() {
            assertThat(compile(filter().addEncrypted(false))).accepts(WEB_TO_DB, WORLD_PING);
            assertThat(compile(filter().addEncrypted(true))).rejects(WEB_TO_DB, WORLD_PING);
        }
    }

    @Nested
    class ThisNode {

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"node-1", "node-*", "*", "prod-cluster/node-1", "*/node-1", "prod-*/*", "*-1"})
        void nodeNameGlobsMatchThisNode(String glob) {
            assertThat(compile(filter().addNodeName(glob))).accepts(WEB_TO_DB, DEV_DROPPED);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"node-2", "node", "other/node-1", "node-1/x", "*/*/node-1", "node.1"})
        void otherNodeNamesMatchNothing(String glob) {
            assertThat(compile(filter().addNodeName(glob))).rejects(WEB_TO_DB);
        }

        @Test
        void anyOfSeveralNodeNamesMayMatch() {
            assertThat(compile(filter().addNodeName("node-2").addNodeName("node-1"))).accepts(WEB_TO_DB);
        }

        @Test
        void nodeLabelSelectorsMatchThisNodesLabels() {
            assertThat(compile(filter().addNodeLabels("topology.kubernetes.io/zone=eu-1a"))).accepts(WEB_TO_DB);
            assertThat(compile(filter().addNodeLabels("kubernetes.io/hostname=node-2"))).rejects(WEB_TO_DB);
            assertThat(compile(filter().addNodeLabels("kubernetes.io/hostname=node-2")
                    .addNodeLabels("kubernetes.io/hostname"))).accepts(WEB_TO_DB);
        }

        @Test
        void aBadNodeLabelSelectorIsRejectedNamingTheField() {
            rejected(filter().addNodeLabels("zone in eu"), "node_labels");
        }
    }

    static Stream<Arguments> fieldsNoFlowHereHas() {
        return Stream.of(
                Arguments.of("source_fqdn", (UnaryOperator<FlowFilter.Builder>) f -> f.addSourceFqdn("*.example.com")),
                Arguments.of("destination_fqdn", (UnaryOperator<FlowFilter.Builder>) f -> f.addDestinationFqdn("a.b")),
                Arguments.of("source_service", (UnaryOperator<FlowFilter.Builder>) f -> f.addSourceService("prod/db")),
                Arguments.of("destination_service", (UnaryOperator<FlowFilter.Builder>) f -> f.addDestinationService("db")),
                Arguments.of("source_workload", (UnaryOperator<FlowFilter.Builder>) f -> f.addSourceWorkload(
                        Workload.newBuilder().setName("web"))),
                Arguments.of("destination_workload", (UnaryOperator<FlowFilter.Builder>) f -> f.addDestinationWorkload(
                        Workload.newBuilder().setKind("Deployment"))),
                Arguments.of("http_status_code", (UnaryOperator<FlowFilter.Builder>) f -> f.addHttpStatusCode("4+")),
                Arguments.of("http_method", (UnaryOperator<FlowFilter.Builder>) f -> f.addHttpMethod("GET")),
                Arguments.of("http_path", (UnaryOperator<FlowFilter.Builder>) f -> f.addHttpPath("/.*")),
                Arguments.of("http_url", (UnaryOperator<FlowFilter.Builder>) f -> f.addHttpUrl(".*")),
                Arguments.of("http_header", (UnaryOperator<FlowFilter.Builder>) f -> f.addHttpHeader(
                        HTTPHeader.newBuilder().setKey("x").setValue("y"))),
                Arguments.of("dns_query", (UnaryOperator<FlowFilter.Builder>) f -> f.addDnsQuery(".*")),
                Arguments.of("trace_id", (UnaryOperator<FlowFilter.Builder>) f -> f.addTraceId("abc")),
                Arguments.of("ip_trace_id", (UnaryOperator<FlowFilter.Builder>) f -> f.addIpTraceId(
                        IPTraceID.newBuilder().setTraceId(1))),
                Arguments.of("source_ip_xlated", (UnaryOperator<FlowFilter.Builder>) f -> f.addSourceIpXlated(WEB_IP)),
                Arguments.of("uuid", (UnaryOperator<FlowFilter.Builder>) f -> f.setUuid("0b4c1a2e")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fieldsNoFlowHereHas")
    void fieldsAboutL7ServicesAndNamesMatchNoFlow(String field, UnaryOperator<FlowFilter.Builder> set) {
        assertThat(compile(set.apply(filter()))).rejects(WEB_TO_DB, DEV_DROPPED, WORLD_PING, WEB_DNS, IPV6, ARP);
        // ... so as a blacklist they keep everything.
        Predicate<FlowEvent> request = FlowFilters.of(List.of(), List.of(set.apply(filter()).build()), NODE);
        assertThat(request).accepts(WEB_TO_DB, DEV_DROPPED);
    }

    @Test
    void celExpressionsAreRejected() {
        FlowFilter.Builder f = filter().setExperimental(
                FlowFilter.Experimental.newBuilder().addCelExpression("_flow.verdict == 'DROPPED'"));
        rejected(f, "experimental.cel_expression");
        assertThatThrownBy(() -> FlowFilters.of(List.of(), List.of(f.build()), NODE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Nested
    class Requests {

        private final FlowFilter fromWeb = filter().addSourcePod("prod/web").build();
        private final FlowFilter fromWorld = filter().addSourceLabel("reserved:world").build();
        private final FlowFilter dropped = filter().addVerdict(Verdict.DROPPED).build();

        @Test
        void noFiltersPassEverything() {
            assertThat(FlowFilters.of(List.of(), List.of(), NODE)).accepts(WEB_TO_DB, DEV_DROPPED, IPV6);
        }

        @Test
        void aFlowPassesIfAnyWhitelistFilterMatches() {
            Predicate<FlowEvent> p = FlowFilters.of(List.of(fromWeb, fromWorld), List.of(), NODE);
            assertThat(p).accepts(WEB_TO_DB, WORLD_PING, WEB_DNS).rejects(DB_REPLY, DEV_DROPPED);
        }

        @Test
        void aFlowThatMatchesAnyBlacklistFilterIsOut() {
            Predicate<FlowEvent> p = FlowFilters.of(List.of(), List.of(fromWeb, dropped), NODE);
            assertThat(p).accepts(DB_REPLY, WORLD_PING).rejects(WEB_TO_DB, DEV_DROPPED);
        }

        @Test
        void theBlacklistWinsOverTheWhitelist() {
            Predicate<FlowEvent> p = FlowFilters.of(List.of(fromWeb), List.of(filter().addProtocol("udp").build()), NODE);
            assertThat(p).accepts(WEB_TO_DB).rejects(WEB_DNS, WORLD_PING);
        }

        @Test
        void lostEventsAlwaysPass() {
            LostEvents lost = new LostEvents(1, LostEventSource.HUBBLE_RING_BUFFER, 10);
            FlowFilter nothing = filter().addSourceIp("192.0.2.1").build();
            assertThat(FlowFilters.of(List.of(nothing), List.of(filter().build()), NODE)).accepts(lost);
        }
    }
}
