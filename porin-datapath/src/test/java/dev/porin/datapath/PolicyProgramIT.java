// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath;

import dev.porin.datapath.libbpf.TestRun;
import dev.porin.datapath.maps.EndpointMap;
import dev.porin.datapath.maps.MetricsMap;
import dev.porin.datapath.maps.PolicyMap;
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

import static dev.porin.datapath.testing.Packets.ACK;
import static dev.porin.datapath.testing.Packets.SYN;
import static dev.porin.datapath.testing.Packets.TCP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Policy enforcement in bpf_lxc on crafted packets ({@code BPF_PROG_TEST_RUN}). Endpoint A sends (its
 * veth is loopback, ifindex 1), B receives; identities 1001 (A) and 1002 (B).
 */
class PolicyProgramIT {

    private static final int LO = 1;
    private static final int B_IFINDEX = 4242;
    private static final int A_ID = 1001;
    private static final int B_ID = 1002;
    private static final Inet4Address A = Ipv4Prefix.parseAddress("10.9.0.2");
    private static final Inet4Address B = Ipv4Prefix.parseAddress("10.9.0.3");
    private static final MacAddress A_MAC = MacAddress.parse("02:00:00:00:0a:01");
    private static final MacAddress A_NODE = MacAddress.parse("02:00:00:00:0a:02");
    private static final MacAddress B_MAC = MacAddress.parse("02:00:00:00:0b:01");
    private static final MacAddress B_NODE = MacAddress.parse("02:00:00:00:0b:02");

    private LoadedLxc lxc;

    @BeforeEach
    void load() throws java.io.IOException {
        Privileges.requireRoot();
        lxc = new LoadedLxc(DatapathConfig.DEFAULTS);
    }

    @AfterEach
    void unload() {
        if (lxc != null) {
            lxc.close();
        }
    }

    private void endpoints(int aFlags, int bFlags) {
        lxc.endpoints.upsert(A, new EndpointMap.Info(LO, 11, aFlags, A_MAC, A_NODE, A_ID));
        lxc.endpoints.upsert(B, new EndpointMap.Info(B_IFINDEX, 12, bFlags, B_MAC, B_NODE, B_ID));
        lxc.stats.reset(11);
        lxc.stats.reset(12);
    }

    private PolicyMap policyOf(int endpoint) {
        return lxc.policy.forEndpoint(endpoint);
    }

    private TestRun send(int dport) {
        return lxc.fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 40000, dport, SYN), LO);
    }

    @Test
    void egressAllowsOnlyWhatPolicyAllows() {
        endpoints(EndpointMap.F_POLICY_EGRESS, 0);
        policyOf(11).put(PolicyKey.exact(B_ID, Direction.EGRESS, TCP, 80), new PolicyEntry(false, 7));

        assertThat(send(80).retval()).isEqualTo(TestRun.TC_ACT_REDIRECT);
        assertThat(send(81).retval()).isEqualTo(TestRun.TC_ACT_SHOT);
        assertThat(lxc.dropped(DropReason.POLICY, MetricsMap.DIR_EGRESS)).isEqualTo(1);
    }

    @Test
    void anEndpointWithoutEnforcementAllowsEverything() {
        endpoints(0, 0);
        assertThat(send(81).retval()).isEqualTo(TestRun.TC_ACT_REDIRECT);
    }

    @Test
    void ingressOfTheReceiverIsCheckedToo() {
        endpoints(0, EndpointMap.F_POLICY_INGRESS);
        policyOf(12).put(PolicyKey.l3(A_ID, Direction.INGRESS), new PolicyEntry(false, 1));

        assertThat(send(81).retval()).isEqualTo(TestRun.TC_ACT_REDIRECT);
        lxc.endpoints.upsert(A, new EndpointMap.Info(LO, 11, 0, A_MAC, A_NODE, 999));
        assertThat(lxc.fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 40001, 81, SYN), LO).retval())
                .as("another identity").isEqualTo(TestRun.TC_ACT_SHOT);
        assertThat(lxc.dropped(DropReason.POLICY, MetricsMap.DIR_INGRESS)).isEqualTo(1);
    }

    @Test
    void denyBeatsAMoreSpecificAllow() {
        endpoints(0, EndpointMap.F_POLICY_INGRESS);
        PolicyMap b = policyOf(12);
        b.put(PolicyKey.exact(A_ID, Direction.INGRESS, TCP, 80), new PolicyEntry(false, 1));
        b.put(PolicyKey.exact(A_ID, Direction.INGRESS, TCP, 81), new PolicyEntry(false, 1));
        // deny port 80 from any peer: the exact-peer allow for 80 is more specific, yet loses
        b.put(PolicyKey.exact(0, Direction.INGRESS, TCP, 80), new PolicyEntry(true, 2));

        assertThat(send(80).retval()).isEqualTo(TestRun.TC_ACT_SHOT);
        assertThat(lxc.dropped(DropReason.POLICY_DENY, MetricsMap.DIR_INGRESS)).isEqualTo(1);
        assertThat(send(81).retval()).isEqualTo(TestRun.TC_ACT_REDIRECT);
    }

    @Test
    void anL3DenyForThePeerDropsEveryPort() {
        endpoints(0, EndpointMap.F_POLICY_INGRESS);
        PolicyMap b = policyOf(12);
        b.put(PolicyKey.exact(0, Direction.INGRESS, TCP, 80), new PolicyEntry(false, 1));
        b.put(PolicyKey.l3(A_ID, Direction.INGRESS), new PolicyEntry(true, 2));

        assertThat(send(80).retval()).isEqualTo(TestRun.TC_ACT_SHOT);
        assertThat(lxc.dropped(DropReason.POLICY_DENY, MetricsMap.DIR_INGRESS)).isEqualTo(1);
    }

    @Test
    void portRangesMatchTheirWholeRangeAndNothingElse() {
        endpoints(EndpointMap.F_POLICY_EGRESS, 0);
        PolicyMap a = policyOf(11);
        for (PolicyKey k : PolicyKey.range(B_ID, Direction.EGRESS, TCP, 8000, 8003)) {
            a.put(k, new PolicyEntry(false, 1));
        }
        assertThat(send(7999).retval()).isEqualTo(TestRun.TC_ACT_SHOT);
        assertThat(send(8000).retval()).isEqualTo(TestRun.TC_ACT_REDIRECT);
        assertThat(send(8003).retval()).isEqualTo(TestRun.TC_ACT_REDIRECT);
        assertThat(send(8004).retval()).isEqualTo(TestRun.TC_ACT_SHOT);
    }

    @Test
    void cidrIdentitiesComeFromTheIpCache() {
        endpoints(EndpointMap.F_POLICY_EGRESS, 0);
        int cidrIdentity = 0x01000001;
        lxc.ipcache.upsert(Ipv4Prefix.parse("192.0.2.0/24"), cidrIdentity);
        lxc.ipcache.upsert(Ipv4Prefix.parse("192.0.2.128/25"), 0x01000002);
        policyOf(11).put(PolicyKey.l3(cidrIdentity, Direction.EGRESS), new PolicyEntry(false, 1));

        TestRun inside = lxc.fromContainer.testRun(
                Packets.tcp(A_MAC, A_NODE, A, Ipv4Prefix.parseAddress("192.0.2.10"), 40000, 443, SYN), LO);
        TestRun except = lxc.fromContainer.testRun(
                Packets.tcp(A_MAC, A_NODE, A, Ipv4Prefix.parseAddress("192.0.2.200"), 40000, 443, SYN), LO);
        TestRun world = lxc.fromContainer.testRun(
                Packets.tcp(A_MAC, A_NODE, A, Ipv4Prefix.parseAddress("198.51.100.1"), 40000, 443, SYN), LO);

        assertThat(inside.retval()).isEqualTo(TestRun.TC_ACT_OK);
        assertThat(except.retval()).as("the longer prefix has its own identity").isEqualTo(TestRun.TC_ACT_SHOT);
        assertThat(world.retval()).isEqualTo(TestRun.TC_ACT_SHOT);
    }

    @Test
    void repliesOfAnAllowedConnectionPass() {
        endpoints(EndpointMap.F_POLICY_EGRESS | EndpointMap.F_POLICY_INGRESS, EndpointMap.F_POLICY_INGRESS);
        policyOf(11).put(PolicyKey.exact(B_ID, Direction.EGRESS, TCP, 80), new PolicyEntry(false, 1));
        policyOf(12).put(PolicyKey.exact(A_ID, Direction.INGRESS, TCP, 80), new PolicyEntry(false, 1));
        assertThat(send(80).retval()).isEqualTo(TestRun.TC_ACT_REDIRECT);

        // B answers from its veth; neither B's egress nor A's ingress allows B -> A, but it is a reply.
        lxc.endpoints.upsert(A, new EndpointMap.Info(B_IFINDEX, 11, EndpointMap.F_POLICY_INGRESS, A_MAC, A_NODE, A_ID));
        lxc.endpoints.upsert(B, new EndpointMap.Info(LO, 12, EndpointMap.F_POLICY_EGRESS, B_MAC, B_NODE, B_ID));
        TestRun reply = lxc.fromContainer.testRun(Packets.tcp(B_MAC, B_NODE, B, A, 80, 40000, SYN | ACK), LO);

        assertThat(reply.retval()).isEqualTo(TestRun.TC_ACT_REDIRECT);
    }

    @Test
    void auditModeForwardsWhatPolicyWouldDrop() {
        endpoints(0, EndpointMap.F_POLICY_INGRESS | EndpointMap.F_AUDIT_INGRESS);
        policyOf(12);

        assertThat(send(80).retval()).isEqualTo(TestRun.TC_ACT_REDIRECT);
        assertThat(lxc.dropped(DropReason.POLICY, MetricsMap.DIR_INGRESS)).isZero();
    }

    @Test
    void anEnforcedEndpointWithoutPolicyMapDropsForLackOfConfiguration() {
        endpoints(EndpointMap.F_POLICY_EGRESS, 0);
        assertThat(send(80).retval()).isEqualTo(TestRun.TC_ACT_SHOT);
        assertThat(lxc.dropped(DropReason.NO_CONFIG, MetricsMap.DIR_EGRESS)).isEqualTo(1);
    }

    @Test
    void aNewPolicyRevisionReChecksEstablishedConnections() {
        endpoints(EndpointMap.F_POLICY_EGRESS, 0);
        PolicyMap a = policyOf(11);
        PolicyKey allow = PolicyKey.exact(B_ID, Direction.EGRESS, TCP, 80);
        a.put(allow, new PolicyEntry(false, 1));
        lxc.nodeConfig.policyRevision(5);
        assertThat(send(80).retval()).isEqualTo(TestRun.TC_ACT_REDIRECT);
        a.remove(allow);

        TestRun sameRevision = lxc.fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 40000, 80, ACK), LO);
        assertThat(sameRevision.retval()).as("established, policy unchanged as far as it knows").isEqualTo(TestRun.TC_ACT_REDIRECT);

        lxc.nodeConfig.policyRevision(6);
        TestRun newRevision = lxc.fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 40000, 80, ACK), LO);
        assertThat(newRevision.retval()).as("the allow is gone").isEqualTo(TestRun.TC_ACT_SHOT);
    }

    @Test
    void icmpRulesMatchTheType() {
        endpoints(EndpointMap.F_POLICY_EGRESS, 0);
        policyOf(11).put(PolicyKey.exact(B_ID, Direction.EGRESS, Packets.ICMP, 8), new PolicyEntry(false, 1));

        TestRun echo = lxc.fromContainer.testRun(Packets.icmpEcho(A_MAC, A_NODE, A, B, true, 5), LO);
        assertThat(echo.retval()).isEqualTo(TestRun.TC_ACT_REDIRECT);
        TestRun tcp = send(80);
        assertThat(tcp.retval()).isEqualTo(TestRun.TC_ACT_SHOT);
    }
}
