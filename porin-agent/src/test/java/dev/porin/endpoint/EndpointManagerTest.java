// SPDX-License-Identifier: Apache-2.0
package dev.porin.endpoint;

import dev.porin.datapath.maps.CtMap;
import dev.porin.datapath.maps.EndpointMap;
import dev.porin.datapath.maps.EndpointStatsMap;
import dev.porin.net.Ipv4Prefix;
import dev.porin.testing.FakeNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.porin.testing.FakeNode.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EndpointManagerTest {

    private static final CtMap.Entry CONNECTION = new CtMap.Entry(1, 60, 1, 60, 100, 0, 0, 0, 0, 0, 0, 0);

    @TempDir
    Path stateDir;

    private static Inet4Address ip(String s) {
        return Ipv4Prefix.parseAddress(s);
    }

    private static CtMap.Key tcp(String from, String to) {
        return new CtMap.Key(ip(from), ip(to), 40000, 80, 6);
    }

    @Test
    void createPlumbsThePodAndPersistsTheEndpoint() {
        FakeNode node = FakeNode.start(stateDir);
        Endpoint ep = node.endpoints().create(request("c1"));

        assertThat(ep.state()).isEqualTo(EndpointState.READY);
        assertThat(ep.ipv4()).isEqualTo(ip("10.200.0.2"));
        assertThat(ep.labels()).containsEntry("app", "web");
        assertThat(node.network().plumbed()).singleElement().satisfies(spec -> {
            assertThat(spec.netns()).isEqualTo("/var/run/netns/c1");
            assertThat(spec.ifname()).isEqualTo("eth0");
            assertThat(spec.hostIfname()).isEqualTo(ep.hostIfname());
            assertThat(spec.address()).isEqualTo(ep.ipv4());
            assertThat(spec.router()).isEqualTo(ip("10.200.0.1"));
            assertThat(spec.mtu()).isEqualTo(FakeNode.MTU);
        });
        assertThat(node.endpointDir().resolve(ep.id() + ".json")).exists();
        assertThat(new EndpointStore(node.endpointDir()).loadAll()).containsExactly(ep);
        assertThat(node.ipam().allocations()).containsEntry(ep.ipv4(), "c1/eth0");
    }

    @Test
    void createProgramsTheEndpointMap() {
        FakeNode node = FakeNode.start(stateDir);
        Endpoint ep = node.endpoints().create(request("c1"));

        assertThat(node.endpointMap().get(new EndpointMap.Key(ep.ipv4()))).contains(
                new EndpointMap.Info(ep.hostIfindex(), ep.id(), 0, ep.podMac(), ep.hostMac(), 0));
    }

    @Test
    void createStartsTrafficCountersFromZero() {
        FakeNode node = FakeNode.start(stateDir);
        node.statsMap().put(1, new EndpointStatsMap.Stats(5, 500, 7, 700));

        Endpoint ep = node.endpoints().create(request("c1"));

        assertThat(ep.id()).isEqualTo(1);
        assertThat(node.endpoints().stats(1)).contains(EndpointStatsMap.Stats.ZERO);
    }

    @Test
    void createGivesEachEndpointItsOwnAddressIdAndMacs() {
        FakeNode node = FakeNode.start(stateDir);
        Endpoint a = node.endpoints().create(request("c1"));
        Endpoint b = node.endpoints().create(request("c2"));

        assertThat(a.ipv4()).isNotEqualTo(b.ipv4());
        assertThat(a.id()).isNotEqualTo(b.id());
        assertThat(a.hostIfname()).isNotEqualTo(b.hostIfname());
        assertThat(List.of(a.podMac(), a.hostMac(), b.podMac(), b.hostMac())).doesNotHaveDuplicates();
        assertThat(node.endpoints().list()).containsExactly(a, b);
    }

    @Test
    void plumbingFailureLeavesNothingBehind() {
        FakeNode node = FakeNode.start(stateDir);
        node.network().failNextPlumb(new IllegalStateException("RTM_NEWLINK: Operation not permitted"));

        assertThatThrownBy(() -> node.endpoints().create(request("c1")))
                .isInstanceOfSatisfying(EndpointException.class,
                        e -> assertThat(e.kind()).isEqualTo(EndpointException.Kind.KERNEL))
                .hasMessageContaining("Operation not permitted");

        assertNothingLeft(node);
    }

    @Test
    void failureAfterPlumbingRemovesTheVethAgain() {
        FakeNode node = FakeNode.start(stateDir, "10.200.0.0/24", 1);
        node.endpoints().create(request("c1"));

        assertThatThrownBy(() -> node.endpoints().create(request("c2"))).isInstanceOf(EndpointException.class);

        String host = EndpointManager.hostIfname("c2", "eth0");
        assertThat(node.network().unplumbed()).containsExactly(host);
        assertThat(node.network().linkNames()).doesNotContain(host);
        assertThat(node.ipam().allocations()).hasSize(1);
        assertThat(node.statsMap().keys()).containsExactly(1);
        assertThat(node.endpoints().list()).hasSize(1);
    }

    @Test
    void deleteRemovesEverythingTheEndpointHeld() {
        FakeNode node = FakeNode.start(stateDir);
        Endpoint ep = node.endpoints().create(request("c1"));
        Endpoint other = node.endpoints().create(request("c2"));
        node.ctMap().put(tcp("10.200.0.2", "10.200.0.3"), CONNECTION);
        node.ctMap().put(tcp("10.200.0.9", "10.200.0.2"), CONNECTION);
        node.ctMap().put(tcp("10.200.0.3", "10.200.0.9"), CONNECTION);

        assertThat(node.endpoints().delete("c1", "eth0")).contains(ep);

        assertThat(node.network().unplumbed()).containsExactly(ep.hostIfname());
        assertThat(node.endpointMap().keys()).containsExactly(new EndpointMap.Key(other.ipv4()));
        assertThat(node.statsMap().keys()).containsExactly(other.id());
        assertThat(node.ctMap().keys()).containsExactly(tcp("10.200.0.3", "10.200.0.9"));
        assertThat(node.ipam().allocations()).containsOnlyKeys(other.ipv4());
        assertThat(node.endpointDir().resolve(ep.id() + ".json")).doesNotExist();
        assertThat(node.endpoints().list()).containsExactly(other);
    }

    @Test
    void deleteOfAnAttachmentWithoutEndpointRemovesItsLeftovers() {
        FakeNode node = FakeNode.start(stateDir);
        String host = EndpointManager.hostIfname("c1", "eth0");
        // What an agent that died in the middle of ADD leaves: the address recorded, the veth made.
        node.ipam().allocate("c1/eth0");
        node.network().addLeftoverLink(host);
        node.restart();

        assertThat(node.endpoints().delete("c1", "eth0")).isEmpty();

        assertThat(node.network().linkNames()).doesNotContain(host);
        assertThat(node.ipam().allocations()).isEmpty();
    }

    @Test
    void restoreBringsBackEndpointsWhoseVethStillExists() {
        FakeNode node = FakeNode.start(stateDir);
        Endpoint ep = node.endpoints().create(request("c1"));

        node.restart();

        assertThat(node.endpoints().list()).singleElement().satisfies(restored -> {
            assertThat(restored.id()).isEqualTo(ep.id());
            assertThat(restored.ipv4()).isEqualTo(ep.ipv4());
            assertThat(restored.hostMac()).isEqualTo(ep.hostMac());
            assertThat(restored.state()).isEqualTo(EndpointState.READY);
        });
        assertThat(node.network().restored()).extracting(PodNetwork.HostLink::name).containsExactly(ep.hostIfname());
        assertThat(node.endpointMap().get(new EndpointMap.Key(ep.ipv4()))).isPresent();
        assertThat(node.ipam().allocations()).containsEntry(ep.ipv4(), "c1/eth0");
        assertThat(node.endpoints().find("c1", "eth0")).isPresent();
    }

    @Test
    void restoreKeepsTrafficCounters() {
        FakeNode node = FakeNode.start(stateDir);
        Endpoint ep = node.endpoints().create(request("c1"));
        EndpointStatsMap.Stats counted = new EndpointStatsMap.Stats(3, 300, 4, 400);
        node.statsMap().put(ep.id(), counted);

        node.restart();

        assertThat(node.endpoints().stats(ep.id())).contains(counted);
    }

    @Test
    void restoreCleansUpEndpointsWhoseVethIsGone() throws Exception {
        FakeNode node = FakeNode.start(stateDir);
        Endpoint kept = node.endpoints().create(request("c1"));
        Endpoint gone = node.endpoints().create(request("c2"));
        node.ctMap().put(tcp("10.200.0.3", "10.200.0.9"), CONNECTION);
        node.network().deleteLink(gone.hostIfname());

        node.restart();

        assertThat(node.endpoints().list()).extracting(Endpoint::id).containsExactly(kept.id());
        assertThat(node.ipam().allocations()).containsOnlyKeys(kept.ipv4());
        assertThat(node.endpointMap().keys()).containsExactly(new EndpointMap.Key(kept.ipv4()));
        assertThat(node.statsMap().keys()).containsExactly(kept.id());
        assertThat(node.ctMap().count()).isZero();
        try (var files = Files.list(node.endpointDir())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(kept.id() + ".json");
        }
    }

    @Test
    void restoreRemovesMapEntriesNoEndpointOwns() {
        FakeNode node = FakeNode.start(stateDir);
        Endpoint ep = node.endpoints().create(request("c1"));
        node.endpointMap().put(new EndpointMap.Key(ip("10.200.0.99")),
                new EndpointMap.Info(99, 77, 0, ep.podMac(), ep.hostMac(), 0));
        node.statsMap().put(77, EndpointStatsMap.Stats.ZERO);

        node.restart();

        assertThat(node.endpointMap().keys()).containsExactly(new EndpointMap.Key(ep.ipv4()));
        assertThat(node.statsMap().keys()).containsExactly(ep.id());
    }

    @Test
    void restoreReleasesAddressesLeftByAnAgentThatDiedDuringAdd() {
        FakeNode node = FakeNode.start(stateDir);
        Endpoint ep = node.endpoints().create(request("c1"));
        var orphan = node.ipam().allocate(Endpoint.ipamOwner("crashed", "eth0")).orElseThrow();

        node.restart();

        assertThat(node.ipam().allocations()).containsOnlyKeys(ep.ipv4()).doesNotContainKey(orphan);
    }

    @Test
    void idsHandedOutAfterRestoreDoNotCollideWithRestoredOnes() {
        FakeNode node = FakeNode.start(stateDir);
        node.endpoints().create(request("c1"));
        node.endpoints().create(request("c2"));
        node.endpoints().create(request("c3"));
        node.endpoints().delete("c1", "eth0");

        node.restart();
        Endpoint fresh = node.endpoints().create(request("c4"));

        assertThat(fresh.id()).isNotIn(2, 3);
        assertThat(node.endpoints().list()).extracting(Endpoint::containerId).containsExactly("c2", "c3", "c4");
        assertThat(new EndpointStore(node.endpointDir()).loadAll()).hasSize(3);
    }

    @Test
    void hostIfnameIsStableShortAndDistinct() {
        String name = EndpointManager.hostIfname("c1", "eth0");

        assertThat(name).startsWith("lxc").hasSizeLessThanOrEqualTo(15).matches("[a-z0-9]+");
        assertThat(EndpointManager.hostIfname("c1", "eth0")).isEqualTo(name);
        assertThat(EndpointManager.hostIfname("c1", "eth1")).isNotEqualTo(name);
        assertThat(EndpointManager.hostIfname("c2", "eth0")).isNotEqualTo(name);
    }

    private static void assertNothingLeft(FakeNode node) {
        assertThat(node.endpoints().list()).isEmpty();
        assertThat(node.ipam().allocations()).isEmpty();
        assertThat(node.endpointMap().count()).isZero();
        assertThat(node.statsMap().count()).isZero();
        assertThat(node.network().linkNames()).isEmpty();
        assertThat(node.endpointDir().resolve("1.json")).doesNotExist();
    }
}
