// SPDX-License-Identifier: Apache-2.0
package dev.porin.endpoint;

import dev.porin.net.MacAddress;

import java.net.Inet4Address;
import java.util.List;
import java.util.Optional;

/**
 * The kernel side of an endpoint: the veth pair, the pod's address and routes, the host route, and the
 * datapath programs on the host side. The production implementation talks rtnetlink and libbpf; tests
 * use an in-memory one.
 */
public interface PodNetwork {

    /** Everything plumbing one pod needs. */
    record PodSpec(String netns, String ifname, String hostIfname, Inet4Address address, Inet4Address router,
                   MacAddress podMac, MacAddress hostMac, int mtu) {
    }

    /** The host side of a pod's veth as it exists now. */
    record HostLink(String name, int ifindex, MacAddress mac, boolean attached) {
    }

    /** The pod's interface as seen inside its namespace. */
    record PodInterface(String name, MacAddress mac, boolean up, List<String> addresses, Inet4Address defaultGateway) {
    }

    /**
     * Creates the veth pair (the pod side directly inside the pod's namespace), gives the pod its address
     * and routes, routes the address to the host side, and attaches the datapath. Returns the host side.
     * On failure nothing of it is left behind.
     *
     * @throws EndpointException NETNS_NOT_FOUND, INTERFACE_EXISTS or KERNEL
     */
    HostLink plumb(PodSpec spec);

    /** Removes the host side, and with it the pod side and the routes; false if it was already gone. */
    boolean unplumb(String hostIfname);

    Optional<HostLink> hostLink(String hostIfname);

    /** Puts a restored endpoint's programs (freshly loaded) and host route back on its host side. */
    void restore(HostLink link, Inet4Address address, Inet4Address router);

    /** The pod's interface, if the namespace and the interface exist. */
    Optional<PodInterface> inspect(String netns, String ifname);
}
