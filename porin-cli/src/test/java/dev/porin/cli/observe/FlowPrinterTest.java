// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.observe;

import com.google.protobuf.BoolValue;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.porin.hubble.flow.CiliumEventType;
import dev.porin.hubble.flow.DropReason;
import dev.porin.hubble.flow.Endpoint;
import dev.porin.hubble.flow.Flow;
import dev.porin.hubble.flow.ICMPv4;
import dev.porin.hubble.flow.IP;
import dev.porin.hubble.flow.IPVersion;
import dev.porin.hubble.flow.Layer4;
import dev.porin.hubble.flow.LostEvent;
import dev.porin.hubble.flow.LostEventSource;
import dev.porin.hubble.flow.Policy;
import dev.porin.hubble.flow.TCP;
import dev.porin.hubble.flow.TCPFlags;
import dev.porin.hubble.flow.TraceObservationPoint;
import dev.porin.hubble.flow.TrafficDirection;
import dev.porin.hubble.flow.Verdict;
import dev.porin.hubble.observer.GetFlowsResponse;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Flows as the agent sends them (GetFlowsResponse JSON lines), printed in each {@code -o} format. */
class FlowPrinterTest {

    private static final Instant T = Instant.parse("2025-03-04T10:20:30.250Z");
    private static final Endpoint CLIENT = pod(1201, 300, "client");
    private static final Endpoint SERVER = pod(1202, 301, "server");
    private static final Policy CNP_DEFAULT_DENY = policy("default", "client-to-server", "CiliumNetworkPolicy",
            "porin:rule=default-deny");
    private static final Policy CNP_RULE = policy("default", "client-to-server", "CiliumNetworkPolicy",
            "porin:rule=rule 0 ingress[0]");

    private static Endpoint pod(int id, int identity, String name) {
        return Endpoint.newBuilder().setID(id).setIdentity(identity).setNamespace("default").setPodName(name)
                .addLabels("k8s:app=" + name).build();
    }

    private static Policy policy(String namespace, String name, String kind, String rule) {
        return Policy.newBuilder().setNamespace(namespace).setName(name).setKind(kind)
                .addLabels("k8s:io.cilium.k8s.policy.name=" + name).addLabels(rule).build();
    }

    private static Flow.Builder tcp(Endpoint src, String srcIp, int srcPort, Endpoint dst, String dstIp, int dstPort,
                                    TCPFlags.Builder flags, String summary) {
        return Flow.newBuilder().setTime(Timestamp.newBuilder().setSeconds(T.getEpochSecond()).setNanos(T.getNano()))
                .setSource(src).setDestination(dst)
                .setIP(IP.newBuilder().setSource(srcIp).setDestination(dstIp).setIpVersion(IPVersion.IPv4))
                .setL4(Layer4.newBuilder().setTCP(TCP.newBuilder().setSourcePort(srcPort).setDestinationPort(dstPort).setFlags(flags)))
                .setSummary(summary);
    }

    /** The server's SYN-ACK back to the client, delivered to the client's endpoint. */
    private static Flow forwardedReply() {
        return tcp(SERVER, "10.202.7.12", 8080, CLIENT, "10.202.7.11", 41234, TCPFlags.newBuilder().setSYN(true).setACK(true),
                "TCP Flags: SYN, ACK").setVerdict(Verdict.FORWARDED)
                .setEventType(CiliumEventType.newBuilder().setType(4).setSubType(0))
                .setTraceObservationPoint(TraceObservationPoint.TO_ENDPOINT).setIsReply(BoolValue.of(true))
                .setTrafficDirection(TrafficDirection.EGRESS).build();
    }

    /** An intruder's SYN dropped because the policy selecting the server allows only the client. */
    private static Flow defaultDenyDrop() {
        Endpoint intruder = pod(1203, 302, "intruder");
        return tcp(intruder, "10.202.7.13", 39000, SERVER, "10.202.7.12", 8080, TCPFlags.newBuilder().setSYN(true),
                "TCP Flags: SYN").setVerdict(Verdict.DROPPED)
                .setEventType(CiliumEventType.newBuilder().setType(1).setSubType(133))
                .setDropReason(133).setDropReasonDesc(DropReason.POLICY_DENIED)
                .setTrafficDirection(TrafficDirection.INGRESS).addIngressDeniedBy(CNP_DEFAULT_DENY).build();
    }

    private static Flow allowedVerdict() {
        return tcp(CLIENT, "10.202.7.11", 41234, SERVER, "10.202.7.12", 8080, TCPFlags.newBuilder().setSYN(true),
                "TCP Flags: SYN").setVerdict(Verdict.FORWARDED)
                .setEventType(CiliumEventType.newBuilder().setType(5)).setPolicyMatchType(2)
                .setTrafficDirection(TrafficDirection.INGRESS).setIsReply(BoolValue.of(false))
                .addIngressAllowedBy(CNP_RULE).addIngressAllowedBy(CNP_RULE).build();
    }

    /** A ping from the world to a pod, answered: world shows by name, ICMP without ports. */
    private static Flow fromTheWorld() {
        return Flow.newBuilder().setTime(Timestamp.newBuilder().setSeconds(T.getEpochSecond()).setNanos(T.getNano()))
                .setSource(Endpoint.newBuilder().setIdentity(2).addLabels("reserved:world"))
                .setDestination(SERVER)
                .setIP(IP.newBuilder().setSource("1.1.1.1").setDestination("10.202.7.12").setIpVersion(IPVersion.IPv4))
                .setL4(Layer4.newBuilder().setICMPv4(ICMPv4.newBuilder().setType(8)))
                .setVerdict(Verdict.FORWARDED).setEventType(CiliumEventType.newBuilder().setType(4).setSubType(3))
                .setIsReply(BoolValue.of(false)).setSummary("ICMPv4 EchoRequest").build();
    }

    private static String line(GetFlowsResponse r) {
        try {
            return JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace().print(r);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String line(Flow f) {
        return line(GetFlowsResponse.newBuilder().setFlow(f).setNodeName("node-1").setTime(f.getTime()).build());
    }

    private static String lost() {
        return line(GetFlowsResponse.newBuilder().setLostEvents(LostEvent.newBuilder()
                .setSource(LostEventSource.PERF_EVENT_RING_BUFFER).setNumEventsLost(42)).build());
    }

    private static String print(String format, String... lines) {
        StringWriter text = new StringWriter();
        FlowPrinter p = FlowPrinter.of(format, new PrintWriter(text));
        for (String l : lines) {
            p.print(l);
        }
        p.finish();
        return text.toString();
    }

    @Test
    void compactRepliesPointBackFromTheClient() {
        assertThat(print("compact", line(forwardedReply()))).isEqualTo(
                "Mar  4 10:20:30.250: default/client:41234 (ID:300) <- default/server:8080 (ID:301) to-endpoint FORWARDED"
                        + " (TCP Flags: SYN, ACK)\n");
    }

    @Test
    void compactDropNamesTheReasonAndThePolicyWhoseDefaultDenyDroppedIt() {
        assertThat(print("compact", line(defaultDenyDrop()))).isEqualTo(
                "Mar  4 10:20:30.250: default/intruder:39000 (ID:302) <> default/server:8080 (ID:301) Policy denied DROPPED"
                        + " (TCP Flags: SYN) by default deny of default/client-to-server (CiliumNetworkPolicy)\n");
    }

    @Test
    void compactPolicyVerdictSaysAllowedAndByWhichPolicy() {
        assertThat(print("compact", line(allowedVerdict()))).isEqualTo(
                "Mar  4 10:20:30.250: default/client:41234 (ID:300) -> default/server:8080 (ID:301)"
                        + " policy-verdict:L3-L4 INGRESS ALLOWED (TCP Flags: SYN) by default/client-to-server (CiliumNetworkPolicy)\n");
    }

    @Test
    void compactNamesReservedIdentitiesAndLeavesOutMissingPorts() {
        assertThat(print("compact", line(fromTheWorld()))).isEqualTo(
                "Mar  4 10:20:30.250: 1.1.1.1 (world) -> default/server (ID:301) to-stack FORWARDED (ICMPv4 EchoRequest)\n");
    }

    @Test
    void compactDenyRuleAndClusterwidePolicy() {
        Flow deny = defaultDenyDrop().toBuilder().setEventType(CiliumEventType.newBuilder().setType(1).setSubType(181))
                .clearIngressDeniedBy().addEgressDeniedBy(policy("", "no-intruders", "CiliumClusterwideNetworkPolicy",
                        "porin:rule=rule 0 egressDeny[0]")).build();

        assertThat(print("compact", line(deny)))
                .endsWith(" Policy denied by denylist DROPPED (TCP Flags: SYN) by no-intruders (CiliumClusterwideNetworkPolicy)\n");
    }

    @Test
    void compactShowsLostEventsVisibly() {
        assertThat(print("compact", lost())).isEqualTo("EVENTS LOST: PERF_EVENT_RING_BUFFER 42\n");
    }

    @Test
    void jsonPrintsEachAnswerLineAsItCame() {
        String drop = line(defaultDenyDrop());

        assertThat(print("json", drop, lost())).isEqualTo(drop + "\n" + lost() + "\n");
        assertThat(drop).contains("\"ingress_denied_by\"", "\"node_name\":\"node-1\"", "\"Summary\":\"TCP Flags: SYN\"");
        assertThat(print("jsonpb", drop)).isEqualTo(drop + "\n");
    }

    @Test
    void tableAlignsHubblesColumnsOverAllRows() {
        assertThat(print("table", line(forwardedReply()), line(defaultDenyDrop()), lost())).isEqualTo("""
                TIMESTAMP             SOURCE                   DESTINATION            TYPE            VERDICT     SUMMARY
                Mar  4 10:20:30.250   default/server:8080      default/client:41234   to-endpoint     FORWARDED   TCP Flags: SYN, ACK
                Mar  4 10:20:30.250   default/intruder:39000   default/server:8080    Policy denied   DROPPED     TCP Flags: SYN by default deny of default/client-to-server (CiliumNetworkPolicy)
                                      PERF_EVENT_RING_BUFFER                          EVENTS LOST                 42
                """);
    }

    @Test
    void tableOfNothingIsEmpty() {
        assertThat(print("table")).isEmpty();
    }

    @Test
    void dictPrintsOneBlockPerFlow() {
        assertThat(print("dict", line(allowedVerdict()), line(fromTheWorld()))).isEqualTo("""
                  TIMESTAMP: Mar  4 10:20:30.250
                     SOURCE: default/client:41234
                DESTINATION: default/server:8080
                       TYPE: policy-verdict:L3-L4 INGRESS
                    VERDICT: ALLOWED
                    SUMMARY: TCP Flags: SYN by default/client-to-server (CiliumNetworkPolicy)
                ------------
                  TIMESTAMP: Mar  4 10:20:30.250
                     SOURCE: 1.1.1.1
                DESTINATION: default/server
                       TYPE: to-stack
                    VERDICT: FORWARDED
                    SUMMARY: ICMPv4 EchoRequest
                """);
    }

    @Test
    void aLineThatIsNotAFlowAnswerIsAnError() {
        assertThatThrownBy(() -> print("compact", "{\"flow\": 7}")).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the agent sent a line that is not a GetFlowsResponse");
    }
}
