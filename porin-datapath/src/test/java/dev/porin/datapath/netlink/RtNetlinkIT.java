// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import dev.porin.datapath.netns.NetNs;
import dev.porin.datapath.sys.Errno;
import dev.porin.datapath.testing.NetFixture;
import dev.porin.datapath.testing.Privileges;
import dev.porin.net.Ipv4Prefix;
import dev.porin.net.MacAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.nio.file.Path;

import static dev.porin.datapath.testing.Ip.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** rtnetlink against the running kernel, in throwaway namespaces; only the veth test touches the host. */
class RtNetlinkIT {

    private static final MacAddress HOST_MAC = MacAddress.parse("02:50:00:00:00:01");
    private static final MacAddress PEER_MAC = MacAddress.parse("02:50:00:00:00:02");

    private final NetFixture fixture = new NetFixture();

    @BeforeAll
    static void requireRoot() throws Exception {
        Privileges.requireRoot();
    }

    @AfterEach
    void cleanUp() {
        fixture.close();
    }

    @Test
    void createsTheVethPeerDirectlyInsideAnotherNamespace() throws Exception {
        Path pod = fixture.netns();
        String hostName = fixture.hostLinkName();

        Link host;
        try (RtNetlink nl = RtNetlink.open(); NetNs.Handle podNs = NetNs.open(pod)) {
            host = nl.createVethPair(new VethSpec(hostName, HOST_MAC, "eth0", PEER_MAC, podNs.fd(), 1450));
        }

        assertThat(host).isEqualTo(new Link(host.index(), hostName, HOST_MAC, 1450, false, "veth"));
        assertThat(ip("-o", "link", "show", "dev", hostName))
                .contains(hostName + "@", "mtu 1450", "link/ether " + HOST_MAC, "link-netns " + NetFixture.name(pod));
        assertThat(ip("-n", NetFixture.name(pod), "-o", "link", "show", "dev", "eth0"))
                .contains("eth0@if" + host.index(), "mtu 1450", "link/ether " + PEER_MAC);
        assertThat(ip("-o", "link", "show")).doesNotContain(PEER_MAC.toString());
    }

    @Test
    void deletingALinkIsIdempotentAndTakesTheVethPeerAlong() throws Exception {
        Path pod = fixture.netns();
        String hostName = fixture.hostLinkName();
        try (RtNetlink nl = RtNetlink.open(); NetNs.Handle podNs = NetNs.open(pod)) {
            Link host = nl.createVethPair(new VethSpec(hostName, HOST_MAC, "eth0", PEER_MAC, podNs.fd(), 1500));

            assertThat(nl.deleteLink(host.index())).isTrue();
            assertThat(nl.deleteLink(host.index())).isFalse();
            assertThat(nl.link(hostName)).isEmpty();
        }
        assertThat(ip("-n", NetFixture.name(pod), "-o", "link", "show")).doesNotContain("eth0");
    }

    @Test
    void aDuplicateLinkNameIsRefusedNamingTheLink() throws Exception {
        Path node = fixture.netns();
        Path pod = fixture.netns();
        String name = NetFixture.linkName();
        try (RtNetlink nl = NetNs.call(node, RtNetlink::open); NetNs.Handle podNs = NetNs.open(pod)) {
            nl.createVethPair(new VethSpec(name, HOST_MAC, "eth0", PEER_MAC, podNs.fd(), 1500));

            VethSpec sameName = new VethSpec(name, HOST_MAC, "eth1", PEER_MAC, podNs.fd(), 1500);
            assertThatThrownBy(() -> nl.createVethPair(sameName))
                    .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EEXIST))
                    .hasMessage("RTM_NEWLINK veth " + name + " peer eth1 failed: -17 EEXIST (File exists)");
        }
    }

    @Test
    void looksUpListsAndSetsUpLinks() throws Exception {
        Path node = fixture.netns();
        Path pod = fixture.netns();
        String name = NetFixture.linkName();
        try (RtNetlink nl = NetNs.call(node, RtNetlink::open); NetNs.Handle podNs = NetNs.open(pod)) {
            Link host = nl.createVethPair(new VethSpec(name, HOST_MAC, "eth0", PEER_MAC, podNs.fd(), 1500));

            nl.setUp(host.index());
            nl.setUp(host.index());

            Link up = new Link(host.index(), name, HOST_MAC, 1500, true, "veth");
            assertThat(nl.link(name)).contains(up);
            assertThat(nl.link(host.index())).contains(up);
            assertThat(nl.link("pnltmissing")).isEmpty();
            assertThat(nl.link(999_999)).isEmpty();
            assertThat(nl.links()).containsExactly(
                    new Link(1, "lo", MacAddress.parse("00:00:00:00:00:00"), 65536, false, null), up);
        }
        assertThat(ip("-n", NetFixture.name(node), "-o", "link", "show", "dev", name)).contains(",UP");
    }

    @Test
    void addsAndListsAddresses() throws Exception {
        Path node = fixture.netns();
        Path pod = fixture.netns();
        try (RtNetlink nl = NetNs.call(node, RtNetlink::open); NetNs.Handle podNs = NetNs.open(pod)) {
            int ifindex = nl.createVethPair(veth(podNs)).index();
            Address endpoint = new Address(ifindex, address("10.250.0.5"), 32);
            Address onSubnet = new Address(ifindex, address("10.250.3.1"), 24);

            nl.addAddress(endpoint);
            nl.addAddress(onSubnet);

            assertThat(nl.addresses(ifindex)).containsExactlyInAnyOrder(endpoint, onSubnet);
            assertThat(nl.addresses(1)).isEmpty();
            assertThat(ip("-n", NetFixture.name(node), "-4", "-o", "address", "show", "dev", veth(podNs).name()))
                    .contains("inet 10.250.0.5/32", "inet 10.250.3.1/24");
            assertThatThrownBy(() -> nl.addAddress(endpoint))
                    .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EEXIST))
                    .hasMessageStartingWith("RTM_NEWADDR 10.250.0.5/32 dev " + ifindex + " failed: -17 EEXIST");
        }
    }

    @Test
    void addsReplacesListsAndDeletesRoutes() throws Exception {
        Path node = fixture.netns();
        Path pod = fixture.netns();
        String ns = NetFixture.name(node);
        try (RtNetlink nl = NetNs.call(node, RtNetlink::open); NetNs.Handle podNs = NetNs.open(pod)) {
            Link link = nl.createVethPair(veth(podNs));
            int dev = link.index();
            nl.setUp(dev);
            nl.addAddress(new Address(dev, address("10.250.0.1"), 32));
            Route endpoint = new Route(Ipv4Prefix.parse("10.250.1.5/32"), null, dev, Scope.LINK, false,
                    address("10.250.0.1"));
            Route viaGateway = new Route(Ipv4Prefix.parse("10.250.64.0/18"), address("10.250.1.5"), dev,
                    Scope.UNIVERSE, true, null);

            nl.addRoute(endpoint);
            nl.addRoute(viaGateway);

            assertThat(nl.routes()).contains(endpoint, viaGateway);
            assertThat(ip("-n", ns, "-4", "route", "show", "dev", link.name()))
                    .contains("10.250.1.5 proto static scope link src 10.250.0.1",
                            "10.250.64.0/18 via 10.250.1.5 proto static onlink");

            assertThatThrownBy(() -> nl.addRoute(endpoint))
                    .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EEXIST));
            Route moved = new Route(viaGateway.destination(), address("10.250.1.6"), dev, Scope.UNIVERSE, true, null);
            nl.replaceRoute(moved);
            assertThat(nl.routes()).contains(moved).doesNotContain(viaGateway);

            assertThat(nl.deleteRoute(moved)).isTrue();
            assertThat(nl.deleteRoute(moved)).isFalse();
            assertThat(nl.routes()).contains(endpoint).doesNotContain(moved);
            assertThat(ip("-n", ns, "-4", "route", "show", "dev", link.name())).doesNotContain("10.250.64.0");
        }
    }

    @Test
    void aRefusedRouteCarriesTheKernelsExplanation() throws Exception {
        Path node = fixture.netns();
        Path pod = fixture.netns();
        try (RtNetlink nl = NetNs.call(node, RtNetlink::open); NetNs.Handle podNs = NetNs.open(pod)) {
            int dev = nl.createVethPair(veth(podNs)).index();
            nl.setUp(dev);
            // No address of the link covers the gateway and the route is not onlink.
            Route unreachable = new Route(Ipv4Prefix.parse("10.250.8.0/24"), address("10.250.7.9"), dev,
                    Scope.UNIVERSE, false, null);

            assertThatThrownBy(() -> nl.addRoute(unreachable))
                    .isInstanceOfSatisfying(NetlinkException.class,
                            e -> assertThat(e.detail()).isEqualTo("Nexthop has invalid gateway"))
                    .hasMessage("RTM_NEWROUTE 10.250.8.0/24 via 10.250.7.9 dev " + dev
                            + " failed: -101 ENETUNREACH (Network is unreachable): Nexthop has invalid gateway");
        }
    }

    private static VethSpec veth(NetNs.Handle peerNs) {
        return new VethSpec("pnltveth", HOST_MAC, "eth0", PEER_MAC, peerNs.fd(), 1500);
    }

    private static Inet4Address address(String text) {
        return Ipv4Prefix.parseAddress(text);
    }
}
