// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath;

import dev.porin.datapath.libbpf.BpfProgram;
import dev.porin.datapath.libbpf.TestRun;
import dev.porin.datapath.maps.CtMap;
import dev.porin.datapath.maps.EndpointMap;
import dev.porin.datapath.maps.EndpointStatsMap;
import dev.porin.datapath.maps.MetricsMap;
import dev.porin.datapath.testing.LoadedLxc;
import dev.porin.datapath.sys.Libc;
import dev.porin.datapath.testing.Packets;
import dev.porin.datapath.testing.Privileges;
import dev.porin.net.Ipv4Prefix;
import dev.porin.net.MacAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.util.Arrays;
import java.util.Optional;

import static dev.porin.datapath.testing.Packets.ACK;
import static dev.porin.datapath.testing.Packets.SYN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * bpf_lxc's programs on crafted packets through {@code BPF_PROG_TEST_RUN}. Each test loads a private copy
 * of the object (maps unpinned), so nothing outlives it. The packet's ingress device is loopback
 * (ifindex 1): the endpoint whose veth the test pretends it is gets ifindex 1 in the endpoint map.
 */
class LxcProgramIT {

    private static final int LO = 1;
    private static final int OTHER_IFINDEX = 4242;

    private static final Inet4Address A = Ipv4Prefix.parseAddress("10.9.0.2");
    private static final Inet4Address B = Ipv4Prefix.parseAddress("10.9.0.3");
    private static final Inet4Address ROUTER = Ipv4Prefix.parseAddress("10.9.0.1");
    private static final Inet4Address OUTSIDE = Ipv4Prefix.parseAddress("10.9.9.9");
    private static final MacAddress A_MAC = MacAddress.parse("02:00:00:00:0a:01");
    private static final MacAddress A_NODE = MacAddress.parse("02:00:00:00:0a:02");
    private static final MacAddress B_MAC = MacAddress.parse("02:00:00:00:0b:01");
    private static final MacAddress B_NODE = MacAddress.parse("02:00:00:00:0b:02");

    private LoadedLxc lxc;
    private BpfProgram fromContainer;
    private BpfProgram toContainer;
    private EndpointMap endpoints;
    private EndpointStatsMap stats;
    private CtMap conntrack;

    @BeforeEach
    void load() throws java.io.IOException {
        Privileges.requireRoot();
        lxc = new LoadedLxc(DatapathConfig.DEFAULTS);
        fromContainer = lxc.fromContainer;
        toContainer = lxc.toContainer;
        endpoints = lxc.endpoints;
        stats = lxc.stats;
        conntrack = lxc.conntrack;
    }

    @AfterEach
    void unload() {
        if (lxc != null) {
            lxc.close();
        }
    }

    private void endpoint(Inet4Address ip, int id, int ifindex, MacAddress mac, MacAddress nodeMac) {
        endpoints.upsert(ip, new EndpointMap.Info(ifindex, id, 0, mac, nodeMac, 5));
        stats.reset(id);
    }

    private long forwarded(int dir) {
        return lxc.forwarded(dir);
    }

    private long dropped(DropReason reason, int dir) {
        return lxc.dropped(reason, dir);
    }

    @Test
    void forwardsToALocalEndpointByRedirectWithRewrittenHeaders() {
        endpoint(A, 11, LO, A_MAC, A_NODE);
        endpoint(B, 12, OTHER_IFINDEX, B_MAC, B_NODE);

        TestRun run = fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 40000, 80, SYN), LO);

        assertThat(run.retval()).isEqualTo(TestRun.TC_ACT_REDIRECT);
        byte[] out = run.packet();
        assertThat(Packets.ethDst(out)).isEqualTo(B_MAC);
        assertThat(Packets.ethSrc(out)).isEqualTo(B_NODE);
        assertThat(Packets.ttl(out)).isEqualTo(63);
        assertThat(Packets.ipChecksumValid(out)).isTrue();
        assertThat(stats.get(11).orElseThrow().txPackets()).isEqualTo(1);
        assertThat(stats.get(12).orElseThrow().rxPackets()).isEqualTo(1);
        assertThat(forwarded(MetricsMap.DIR_EGRESS)).isEqualTo(1);
        assertThat(forwarded(MetricsMap.DIR_INGRESS)).isEqualTo(1);
    }

    @Test
    void createsAConntrackEntryForANewConnection() {
        endpoint(A, 11, LO, A_MAC, A_NODE);
        endpoint(B, 12, OTHER_IFINDEX, B_MAC, B_NODE);
        long before = Libc.monotonicSeconds();

        fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 40000, 80, SYN), LO);

        Optional<CtMap.Entry> entry = conntrack.kv().get(new CtMap.Key(A, B, 40000, 80, Packets.TCP));
        assertThat(entry).isPresent();
        assertThat(entry.get().txPackets()).isEqualTo(1);
        assertThat(entry.get().txFlagsSeen()).isEqualTo(SYN);
        assertThat(entry.get().sourceIdentity()).isEqualTo(5);
        assertThat(entry.get().txIfindex()).as("the sender's veth").isEqualTo(LO);
        assertThat(entry.get().txEndpoint()).isEqualTo(11);
        assertThat(entry.get().rxIfindex()).as("the receiver's veth").isEqualTo(OTHER_IFINDEX);
        assertThat(entry.get().rxEndpoint()).isEqualTo(12);
        // A connection still in its handshake lives for the SYN timeout only.
        assertThat(entry.get().lifetime()).isBetween(before + 59, Libc.monotonicSeconds() + 61);
    }

    @Test
    void repliesMatchTheConnectionsEntry() {
        endpoint(A, 11, LO, A_MAC, A_NODE);
        endpoint(B, 12, OTHER_IFINDEX, B_MAC, B_NODE);
        fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 40000, 80, SYN), LO);

        // Now the packet comes from B's veth.
        endpoint(A, 11, OTHER_IFINDEX, A_MAC, A_NODE);
        endpoint(B, 12, LO, B_MAC, B_NODE);
        TestRun reply = fromContainer.testRun(Packets.tcp(B_MAC, B_NODE, B, A, 80, 40000, SYN | ACK), LO);

        assertThat(reply.retval()).isEqualTo(TestRun.TC_ACT_REDIRECT);
        CtMap.Entry entry = conntrack.kv().get(new CtMap.Key(A, B, 40000, 80, Packets.TCP)).orElseThrow();
        assertThat(entry.rxPackets()).isEqualTo(1);
        assertThat(entry.rxFlagsSeen()).isEqualTo(SYN | ACK);
        assertThat(conntrack.kv().get(new CtMap.Key(B, A, 80, 40000, Packets.TCP))).isEmpty();
        assertThat(conntrack.entries()).hasSize(1);
    }

    @Test
    void dropsPacketsWhoseSourceIsNotTheEndpointsAddress() {
        endpoint(A, 11, LO, A_MAC, A_NODE);
        endpoint(B, 12, OTHER_IFINDEX, B_MAC, B_NODE);

        TestRun run = fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, OUTSIDE, B, 40000, 80, SYN), LO);

        assertThat(run.retval()).isEqualTo(TestRun.TC_ACT_SHOT);
        assertThat(dropped(DropReason.INVALID_SIP, MetricsMap.DIR_EGRESS)).isEqualTo(1);
        assertThat(conntrack.entries()).isEmpty();
        assertThat(stats.get(12).orElseThrow().rxPackets()).isZero();
    }

    @Test
    void dropsAnotherEndpointsAddressComingFromTheWrongVeth() {
        endpoint(A, 11, LO, A_MAC, A_NODE);
        endpoint(B, 12, OTHER_IFINDEX, B_MAC, B_NODE);

        // B's address, but sent from A's veth.
        TestRun run = fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, B, A, 40000, 80, SYN), LO);

        assertThat(run.retval()).isEqualTo(TestRun.TC_ACT_SHOT);
        assertThat(dropped(DropReason.INVALID_SIP, MetricsMap.DIR_EGRESS)).isEqualTo(1);
    }

    @Test
    void sendsTrafficForTheHostToTheStack() {
        endpoint(A, 11, LO, A_MAC, A_NODE);

        TestRun run = fromContainer.testRun(Packets.udp(A_MAC, A_NODE, A, ROUTER, 5000, 53), LO);

        assertThat(run.retval()).isEqualTo(TestRun.TC_ACT_OK);
        assertThat(Arrays.equals(run.packet(), Packets.udp(A_MAC, A_NODE, A, ROUTER, 5000, 53))).isTrue();
        assertThat(conntrack.kv().get(new CtMap.Key(A, ROUTER, 5000, 53, Packets.UDP))).isPresent();
    }

    @Test
    void tracksConnectionsTheHostOpensToAPod() {
        endpoint(A, 11, LO, A_MAC, A_NODE);
        lxc.ipcache.upsert(Ipv4Prefix.parse("10.9.0.1/32"), 1);

        TestRun in = toContainer.testRun(Packets.tcp(A_NODE, A_MAC, ROUTER, A, 50000, 8080, SYN), LO);
        TestRun out = fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, ROUTER, 8080, 50000, SYN | ACK), LO);

        assertThat(in.retval()).isEqualTo(TestRun.TC_ACT_OK);
        assertThat(out.retval()).isEqualTo(TestRun.TC_ACT_OK);
        CtMap.Entry entry = conntrack.kv().get(new CtMap.Key(ROUTER, A, 50000, 8080, Packets.TCP)).orElseThrow();
        assertThat(entry.txPackets()).isEqualTo(1);
        assertThat(entry.rxPackets()).isEqualTo(1);
        assertThat(entry.sourceIdentity()).as("the host, from the IP cache").isEqualTo(1);
        assertThat(stats.get(11).orElseThrow().rxPackets()).isEqualTo(1);
        assertThat(stats.get(11).orElseThrow().txPackets()).isEqualTo(1);
    }

    @Test
    void answersArpForTheGatewayWithTheHostSideMac() {
        endpoint(A, 11, LO, A_MAC, A_NODE);

        TestRun run = fromContainer.testRun(Packets.arpRequest(A_MAC, A, ROUTER), LO);

        assertThat(run.retval()).isEqualTo(TestRun.TC_ACT_REDIRECT);
        byte[] reply = run.packet();
        assertThat(Packets.ethDst(reply)).isEqualTo(A_MAC);
        assertThat(Packets.ethSrc(reply)).isEqualTo(A_NODE);
        assertThat(reply[21]).as("ARP opcode").isEqualTo((byte) 2);
        assertThat(Arrays.copyOfRange(reply, 22, 28)).isEqualTo(A_NODE.bytes());
        assertThat(Arrays.copyOfRange(reply, 28, 32)).isEqualTo(ROUTER.getAddress());
        assertThat(Arrays.copyOfRange(reply, 32, 38)).isEqualTo(A_MAC.bytes());
        assertThat(Arrays.copyOfRange(reply, 38, 42)).isEqualTo(A.getAddress());
    }

    @Test
    void icmpEchoRepliesAndErrorsFollowTheConnection() {
        endpoint(A, 11, LO, A_MAC, A_NODE);
        byte[] request = Packets.icmpEcho(A_MAC, A_NODE, A, ROUTER, true, 77);
        fromContainer.testRun(request, LO);
        assertThat(conntrack.kv().get(new CtMap.Key(A, ROUTER, 77, 77, Packets.ICMP))).isPresent();

        TestRun reply = toContainer.testRun(Packets.icmpEcho(A_NODE, A_MAC, ROUTER, A, false, 77), LO);
        assertThat(reply.retval()).isEqualTo(TestRun.TC_ACT_OK);
        assertThat(conntrack.kv().get(new CtMap.Key(A, ROUTER, 77, 77, Packets.ICMP)).orElseThrow().rxPackets())
                .isEqualTo(1);

        // An unreachable error about A's UDP flow is related to it and creates no entry of its own.
        byte[] udp = Packets.udp(A_MAC, A_NODE, A, ROUTER, 5000, 53);
        fromContainer.testRun(udp, LO);
        toContainer.testRun(Packets.icmpError(A_NODE, A_MAC, ROUTER, A, 3, udp), LO);
        assertThat(conntrack.entries()).hasSize(2);
    }

    @Test
    void dropsWhenTheTtlRunsOut() {
        endpoint(A, 11, LO, A_MAC, A_NODE);
        endpoint(B, 12, OTHER_IFINDEX, B_MAC, B_NODE);

        TestRun run = fromContainer.testRun(Packets.withTtl(Packets.tcp(A_MAC, A_NODE, A, B, 1, 2, SYN), 1), LO);

        assertThat(run.retval()).isEqualTo(TestRun.TC_ACT_SHOT);
        assertThat(dropped(DropReason.TTL_EXCEEDED, MetricsMap.DIR_EGRESS)).isEqualTo(1);
    }

    @Test
    void dropsIpv6ItCannotRoute() {
        endpoint(A, 11, LO, A_MAC, A_NODE);

        TestRun run = fromContainer.testRun(Packets.ipv6Frame(A_MAC, A_NODE), LO);

        assertThat(run.retval()).isEqualTo(TestRun.TC_ACT_SHOT);
        assertThat(dropped(DropReason.UNKNOWN_L3, MetricsMap.DIR_EGRESS)).isEqualTo(1);
    }

    @Test
    void aForwardedPacketBetweenLocalPodsIsCountedOnceAndReportedInBothDirections() {
        endpoint(A, 11, LO, A_MAC, A_NODE);
        endpoint(B, 12, OTHER_IFINDEX, B_MAC, B_NODE);
        byte[] syn = Packets.tcp(A_MAC, A_NODE, A, B, 40000, 80, SYN);

        fromContainer.testRun(syn, LO);

        MetricsMap.Value one = new MetricsMap.Value(1, syn.length);
        assertThat(lxc.metrics.entries()).containsExactly(
                java.util.Map.entry(new MetricsMap.Key(0, MetricsMap.DIR_INGRESS), one),
                java.util.Map.entry(new MetricsMap.Key(0, MetricsMap.DIR_EGRESS), one));
    }

    @Test
    void endpointCountersStartOverWhenTheEndpointGoes() {
        endpoint(A, 11, LO, A_MAC, A_NODE);
        endpoint(B, 12, OTHER_IFINDEX, B_MAC, B_NODE);
        fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 40000, 80, SYN), LO);
        assertThat(stats.kv().entries()).extracting(java.util.Map.Entry::getKey).containsExactlyInAnyOrder(11, 12);

        assertThat(stats.remove(12)).isTrue();
        assertThat(stats.remove(12)).as("nothing left to remove").isFalse();
        assertThat(stats.get(12)).contains(EndpointStatsMap.Stats.ZERO);
        assertThat(stats.kv().entries()).extracting(java.util.Map.Entry::getKey).containsExactly(11);
    }

    @Test
    void aConnectionFromALowPortToAHighOneIsTrackedInItsOwnDirection() {
        endpoint(A, 11, LO, A_MAC, A_NODE);
        endpoint(B, 12, OTHER_IFINDEX, B_MAC, B_NODE);
        // Port 1000 to 40000: the datapath guesses "reply" first and must still find the original direction.
        fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 1000, 40000, SYN), LO);
        fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 1000, 40000, ACK), LO);
        endpoint(A, 11, OTHER_IFINDEX, A_MAC, A_NODE);
        endpoint(B, 12, LO, B_MAC, B_NODE);
        fromContainer.testRun(Packets.tcp(B_MAC, B_NODE, B, A, 40000, 1000, ACK), LO);

        assertThat(conntrack.entries()).hasSize(1);
        CtMap.Entry entry = conntrack.kv().get(new CtMap.Key(A, B, 1000, 40000, Packets.TCP)).orElseThrow();
        assertThat(entry.txPackets()).isEqualTo(2);
        assertThat(entry.rxPackets()).isEqualTo(1);
    }

    @Test
    void anEstablishedConnectionsLifetimeIsRewrittenOnlyOnceItMovesByAFewSeconds() {
        endpoint(A, 11, LO, A_MAC, A_NODE);
        endpoint(B, 12, OTHER_IFINDEX, B_MAC, B_NODE);
        CtMap.Key key = new CtMap.Key(A, B, 40000, 80, Packets.TCP);
        byte[] ack = Packets.tcp(A_MAC, A_NODE, A, B, 40000, 80, ACK);
        fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 40000, 80, SYN), LO);
        fromContainer.testRun(ack, LO);
        long now = Libc.monotonicSeconds();
        assertThat(conntrack.kv().get(key).orElseThrow().lifetime()).as("established: the TCP lifetime")
                .isBetween(now + 21600 - 1, now + 21600);

        // As if written two seconds ago: close enough, left alone.
        setLifetime(key, now + 21600 - 2);
        fromContainer.testRun(ack, LO);
        assertThat(conntrack.kv().get(key).orElseThrow().lifetime()).isEqualTo(now + 21600 - 2);

        // As if written a minute ago: moved forward.
        setLifetime(key, now + 21600 - 60);
        fromContainer.testRun(ack, LO);
        assertThat(conntrack.kv().get(key).orElseThrow().lifetime()).isGreaterThanOrEqualTo(now + 21600 - 1);

        // A reset cuts it short at once.
        fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 40000, 80, Packets.RST), LO);
        assertThat(conntrack.kv().get(key).orElseThrow().lifetime()).isLessThanOrEqualTo(Libc.monotonicSeconds() + 10);
    }

    private void setLifetime(CtMap.Key key, long lifetime) {
        CtMap.Entry e = conntrack.kv().get(key).orElseThrow();
        conntrack.kv().put(key, new CtMap.Entry(e.txPackets(), e.txBytes(), e.rxPackets(), e.rxBytes(), lifetime,
                e.flags(), e.txFlagsSeen(), e.rxFlagsSeen(), e.sourceIdentity(), e.policyRevision(), e.lastTxReport(),
                e.lastRxReport(), e.txIfindex(), e.rxIfindex(), e.txEndpoint(), e.rxEndpoint()));
    }

    @Test
    void theHeaderChecksumStaysValidWhereTheTtlDecrementCarries() {
        endpoint(A, 11, LO, A_MAC, A_NODE);
        endpoint(B, 12, OTHER_IFINDEX, B_MAC, B_NODE);
        byte[] base = Packets.tcp(A_MAC, A_NODE, A, B, 40000, 80, ACK);
        // Header checksums near 0xffff are where the incremental update wraps around; plus a spread of others.
        java.util.List<byte[]> frames = new java.util.ArrayList<>();
        for (int ttl = 2; ttl <= 255; ttl++) {
            for (int id = 0; id < 65536; id += 61) {
                byte[] f = Packets.withId(Packets.withTtl(base, ttl), id);
                int check = Packets.ipChecksum(f);
                if (check >= 0xfeff || check <= 0x0100 || (ttl * 65536 + id) % 4099 == 0) {
                    frames.add(f);
                }
            }
        }
        assertThat(frames).hasSizeGreaterThan(100);
        for (byte[] f : frames) {
            TestRun run = fromContainer.testRun(f, LO);
            assertThat(run.retval()).isEqualTo(TestRun.TC_ACT_REDIRECT);
            assertThat(Packets.ttl(run.packet())).isEqualTo(Packets.ttl(f) - 1);
            assertThat(Packets.ipChecksumValid(run.packet()))
                    .as("checksum after TTL %d -> %d, was %04x", Packets.ttl(f), Packets.ttl(f) - 1, Packets.ipChecksum(f))
                    .isTrue();
        }
    }

    @Test
    void aPacketOfATrackedConnectionFromAnotherVethIsDroppedBeforeItTouchesTheEntry() {
        // A's connection to B, tracked on A's veth; then the same addresses and ports arrive on another veth.
        endpoint(A, 11, OTHER_IFINDEX, A_MAC, A_NODE);
        endpoint(B, 12, 4343, B_MAC, B_NODE);
        CtMap.Key key = new CtMap.Key(A, B, 40000, 80, Packets.TCP);
        long now = Libc.monotonicSeconds();
        CtMap.Entry tracked = new CtMap.Entry(3, 180, 2, 120, now + 21600, CtMap.F_SEEN_NON_SYN, SYN | ACK, SYN | ACK,
                5, 0, now, now, OTHER_IFINDEX, 4343, 11, 12);
        conntrack.kv().put(key, tracked);

        TestRun forward = fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 40000, 80, Packets.RST), LO);
        TestRun reply = fromContainer.testRun(Packets.tcp(B_MAC, B_NODE, B, A, 80, 40000, Packets.RST), LO);

        assertThat(forward.retval()).isEqualTo(TestRun.TC_ACT_SHOT);
        assertThat(reply.retval()).isEqualTo(TestRun.TC_ACT_SHOT);
        assertThat(dropped(DropReason.INVALID_SIP, MetricsMap.DIR_EGRESS)).isEqualTo(2);
        assertThat(conntrack.kv().get(key)).as("counters, flags and lifetime untouched").contains(tracked);
        assertThat(stats.get(11).orElseThrow().txPackets()).isZero();
    }

    @Test
    void aTrackedConnectionsOwnVethIsEnoughForItsPacketsToPass() {
        endpoint(A, 11, LO, A_MAC, A_NODE);
        endpoint(B, 12, OTHER_IFINDEX, B_MAC, B_NODE);
        fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 40000, 80, SYN), LO);
        // The entry vouches for A's packets on A's veth: they pass without the endpoint map's word on the
        // source (the agent removes an endpoint's connections along with the endpoint).
        endpoints.remove(A);

        TestRun run = fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 40000, 80, ACK), LO);

        assertThat(run.retval()).isEqualTo(TestRun.TC_ACT_REDIRECT);
        assertThat(stats.get(11).orElseThrow().txPackets()).isEqualTo(2);
        TestRun other = fromContainer.testRun(Packets.tcp(A_MAC, A_NODE, A, B, 40001, 80, SYN), LO);
        assertThat(other.retval()).as("a new connection needs the endpoint").isEqualTo(TestRun.TC_ACT_SHOT);
    }
}
