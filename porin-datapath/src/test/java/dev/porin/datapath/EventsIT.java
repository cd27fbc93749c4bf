// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath;

import dev.porin.datapath.events.DatapathEvent;
import dev.porin.datapath.events.Packet;
import dev.porin.datapath.events.RingBufferReader;
import dev.porin.datapath.maps.EndpointMap;
import dev.porin.datapath.sys.Libc;
import dev.porin.datapath.testing.LoadedLxc;
import dev.porin.datapath.testing.Packets;
import dev.porin.datapath.testing.Privileges;
import dev.porin.net.Ipv4Prefix;
import dev.porin.net.MacAddress;
import dev.porin.policy.PolicyEntry;
import dev.porin.policy.PolicyKey;
import dev.porin.policy.api.Direction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;

import static dev.porin.datapath.testing.Packets.ACK;
import static dev.porin.datapath.testing.Packets.SYN;
import static dev.porin.datapath.testing.Packets.TCP;
import static org.assertj.core.api.Assertions.assertThat;

/** The events bpf_lxc reports for crafted packets, read back from its ring buffer. */
class EventsIT {

    private static final int LO = 1;
    private static final Inet4Address A = Ipv4Prefix.parseAddress("10.9.0.2");
    private static final Inet4Address B = Ipv4Prefix.parseAddress("10.9.0.3");
    private static final MacAddress A_MAC = MacAddress.parse("02:00:00:00:0a:01");
    private static final MacAddress A_NODE = MacAddress.parse("02:00:00:00:0a:02");
    private static final MacAddress B_MAC = MacAddress.parse("02:00:00:00:0b:01");
    private static final MacAddress B_NODE = MacAddress.parse("02:00:00:00:0b:02");

    private LoadedLxc lxc;
    private RingBufferReader reader;

    @BeforeEach
    void load() throws java.io.IOException {
        Privileges.requireRoot();
        lxc = new LoadedLxc(DatapathConfig.DEFAULTS);
        reader = new RingBufferReader(lxc.object.map(Datapath.EVENTS));
        lxc.endpoints.upsert(A, new EndpointMap.Info(LO, 11, 0, A_MAC, A_NODE, 1001));
        lxc.endpoints.upsert(B, new EndpointMap.Info(4242, 12, 0, B_MAC, B_NODE, 1002));
    }

    @AfterEach
    void unload() {
        if (reader != null) {
            reader.close();
        }
        if (lxc != null) {
            lxc.close();
        }
    }

    private List<DatapathEvent> events() {
        List<DatapathEvent> out = new ArrayList<>();
        reader.consume(r -> out.add(DatapathEvent.decode(r)));
        return out;
    }

    @Test
    void aDropIsReportedWithItsReasonAndTheFirstBytesOfThePacket() {
        long before = Libc.monotonicNanos();
        byte[] spoofed = Packets.tcp(A_MAC, A_NODE, Ipv4Prefix.parseAddress("10.9.9.9"), B, 1, 80, SYN);
        lxc.fromContainer.testRun(spoofed, LO);

        List<DatapathEvent> events = events();
        assertThat(events).hasSize(1);
        DatapathEvent.Drop drop = (DatapathEvent.Drop) events.getFirst();
        assertThat(drop.dropReason()).isEqualTo(DropReason.INVALID_SIP);
        assertThat(drop.ingress()).isFalse();
        assertThat(drop.ifindex()).isEqualTo(LO);
        assertThat(drop.length()).isEqualTo(spoofed.length);
        assertThat(Packet.ipv4(drop.packet().srcIp())).isEqualTo("10.9.9.9");
        assertThat(drop.packet().dstPort()).isEqualTo(80);
        assertThat(drop.packet().tcpFlags()).isEqualTo(SYN);
        assertThat(drop.ktime()).isBetween(before, Libc.monotonicNanos());
    }

    @Test
    void aNewConnectionIsTracedOnceAndItsNextPacketsAreAggregated() {
        lxc.fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 40000, 80, SYN), LO);
        lxc.fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 40000, 80, ACK), LO);
        lxc.fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 40000, 80, ACK), LO);

        List<DatapathEvent> events = events();
        assertThat(events).hasSize(1);
        DatapathEvent.Trace trace = (DatapathEvent.Trace) events.getFirst();
        assertThat(trace.point()).as("to-endpoint").isZero();
        assertThat(trace.ctState()).as("new").isZero();
        assertThat(trace.endpoint()).as("reported by the receiver").isEqualTo(12);
        assertThat(trace.destinationEndpoint()).isEqualTo(12);
        assertThat(trace.sourceIdentity()).isEqualTo(1001);
        assertThat(trace.destinationIdentity()).isEqualTo(1002);
    }

    @Test
    void policyVerdictsNameTheDecidingRulesAndAuditMode() {
        lxc.endpoints.upsert(B, new EndpointMap.Info(4242, 12, EndpointMap.F_POLICY_INGRESS, B_MAC, B_NODE, 1002));
        lxc.policy.forEndpoint(12).put(PolicyKey.exact(1001, Direction.INGRESS, TCP, 80), new PolicyEntry(false, 42));
        lxc.fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 40000, 80, SYN), LO);
        lxc.fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 40001, 81, SYN), LO);
        lxc.endpoints.upsert(B, new EndpointMap.Info(4242, 12,
                EndpointMap.F_POLICY_INGRESS | EndpointMap.F_AUDIT_INGRESS, B_MAC, B_NODE, 1002));
        lxc.fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 40002, 81, SYN), LO);

        List<DatapathEvent.PolicyVerdict> verdicts = events().stream()
                .filter(e -> e instanceof DatapathEvent.PolicyVerdict).map(e -> (DatapathEvent.PolicyVerdict) e).toList();
        assertThat(verdicts).hasSize(3);
        assertThat(verdicts.get(0).allowed()).isTrue();
        assertThat(verdicts.get(0).cookie()).isEqualTo(42);
        assertThat(verdicts.get(0).matchType()).as("L3-L4").isEqualTo(2);
        assertThat(verdicts.get(0).ingress()).isTrue();
        assertThat(verdicts.get(0).remoteIdentity()).isEqualTo(1001);
        assertThat(verdicts.get(0).port()).isEqualTo(80);
        assertThat(verdicts.get(1).verdict()).isEqualTo(-DropReason.POLICY.code());
        assertThat(verdicts.get(1).audited()).isFalse();
        assertThat(verdicts.get(2).verdict()).isEqualTo(-DropReason.POLICY.code());
        assertThat(verdicts.get(2).audited()).isTrue();
    }
}
