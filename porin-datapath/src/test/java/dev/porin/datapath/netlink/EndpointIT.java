// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import dev.porin.datapath.netns.NetNs;
import dev.porin.datapath.testing.Ip;
import dev.porin.datapath.testing.NetFixture;
import dev.porin.datapath.testing.Privileges;
import dev.porin.net.Ipv4Prefix;
import dev.porin.net.MacAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.porin.datapath.testing.Ip.ip;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wires a pod namespace to a node namespace the way the agent wires an endpoint, then pings across. The
 * "node" is a namespace too, so that the test never adds addresses or routes to the real host.
 */
class EndpointIT {

    private static final Inet4Address NODE_IP = Ipv4Prefix.parseAddress("10.250.0.1");
    private static final Inet4Address POD_IP = Ipv4Prefix.parseAddress("10.250.1.5");

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
    void aWiredEndpointAndItsNodeReachEachOther() throws Exception {
        Path nodeNs = fixture.netns();
        Path podNs = fixture.netns();
        String hostSide = NetFixture.linkName();

        try (RtNetlink node = NetNs.call(nodeNs, RtNetlink::open);
             RtNetlink pod = NetNs.call(podNs, RtNetlink::open);
             NetNs.Handle podHandle = NetNs.open(podNs)) {
            wire(node, pod, podHandle, hostSide);

            Link eth0 = pod.link("eth0").orElseThrow();
            assertThat(eth0.up()).isTrue();
            assertThat(pod.addresses(eth0.index())).containsExactly(new Address(eth0.index(), POD_IP, 32));
        }

        String node = NetFixture.name(nodeNs);
        String pod = NetFixture.name(podNs);
        assertThat(ip("-n", pod, "-4", "route", "show"))
                .contains("10.250.0.0/16 via 10.250.0.1 dev eth0 proto static onlink");
        assertThat(ip("-n", node, "-4", "route", "show"))
                .contains("10.250.1.5 dev " + hostSide + " proto static scope link src 10.250.0.1");
        assertThat(Ip.run("netns", "exec", pod, "ping", "-c1", "-W1", NODE_IP.getHostAddress()))
                .satisfies(r -> assertThat(r.exitCode()).as("ping from the pod to the node: %s", r.output()).isZero());
        assertThat(Ip.run("netns", "exec", node, "ping", "-c1", "-W1", POD_IP.getHostAddress()))
                .satisfies(r -> assertThat(r.exitCode()).as("ping from the node to the pod: %s", r.output()).isZero());
    }

    /** Not an assertion: prints how long the requests of one endpoint take, cold and warm. */
    @Test
    void measuresEndpointSetUp() throws Exception {
        Path nodeNs = fixture.netns();
        Path podNs = fixture.netns();
        String hostSide = NetFixture.linkName();
        long[] nanos = new long[50];

        try (RtNetlink node = NetNs.call(nodeNs, RtNetlink::open);
             RtNetlink pod = NetNs.call(podNs, RtNetlink::open);
             NetNs.Handle podHandle = NetNs.open(podNs)) {
            for (int i = 0; i < nanos.length; i++) {
                long start = System.nanoTime();
                Link host = wire(node, pod, podHandle, hostSide);
                nanos[i] = System.nanoTime() - start;
                assertThat(node.deleteLink(host.index())).isTrue();
            }
        }

        long first = nanos[0];
        long[] warm = Arrays.copyOfRange(nanos, 1, nanos.length);
        Arrays.sort(warm);
        System.out.printf("EndpointIT: veth pair + 2 addresses + 2 routes + 2 link ups (9 requests): "
                        + "first %.2f ms, then median %.2f ms, min %.2f ms, max %.2f ms over %d runs%n",
                first / 1e6, warm[warm.length / 2] / 1e6, warm[0] / 1e6, warm[warm.length - 1] / 1e6, warm.length);
    }

    /**
     * The node side gets the node's address and a /32 route to the pod; the pod gets its /32 address and
     * a route to the node's networks through the node's address, reachable only because it is onlink.
     */
    private static Link wire(RtNetlink node, RtNetlink pod, NetNs.Handle podHandle, String hostSide) {
        Link host = node.createVethPair(new VethSpec(hostSide, MacAddress.parse("02:50:00:00:01:01"), "eth0",
                MacAddress.parse("02:50:00:00:01:02"), podHandle.fd(), 1500));
        node.addAddress(new Address(host.index(), NODE_IP, 32));
        node.setUp(host.index());
        node.addRoute(new Route(Ipv4Prefix.of(POD_IP, 32), null, host.index(), Scope.LINK, false, NODE_IP));

        int eth0 = pod.link("eth0").orElseThrow().index();
        pod.addAddress(new Address(eth0, POD_IP, 32));
        pod.setUp(eth0);
        pod.addRoute(new Route(Ipv4Prefix.parse("10.250.0.0/16"), NODE_IP, eth0, Scope.UNIVERSE, true, null));
        return host;
    }
}
