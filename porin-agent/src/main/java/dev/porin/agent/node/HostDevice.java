// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.node;

import dev.porin.datapath.netlink.Address;
import dev.porin.datapath.netlink.Link;
import dev.porin.datapath.netlink.RtNetlink;
import dev.porin.datapath.netlink.VethSpec;
import dev.porin.datapath.netns.NetNs;
import dev.porin.net.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet4Address;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The device ({@code porin_host} by default) that holds the pods' gateway address on the host, so that
 * pods reach the host at an address Porin owns and the host answers them from it. It is one end of a veth
 * pair whose other end ({@code <name>_peer}) stays beside it in the host namespace, as Cilium's
 * cilium_host/cilium_net: veth is the one virtual device every kernel that runs Porin has. Idempotent: a
 * restarted agent finds it as it left it.
 */
public final class HostDevice {

    private static final Logger LOG = LoggerFactory.getLogger(HostDevice.class);

    private HostDevice() {
    }

    public static Link ensure(String name, Inet4Address router, int mtu) {
        try (RtNetlink rt = RtNetlink.open()) {
            Link link = rt.link(name).orElseGet(() -> create(rt, name, mtu));
            boolean hasRouter = rt.addresses(link.index()).stream()
                    .anyMatch(a -> a.address().equals(router) && a.prefixLength() == 32);
            if (!hasRouter) {
                rt.addAddress(new Address(link.index(), router, 32));
            }
            if (!link.up()) {
                rt.setUp(link.index());
            }
            return link;
        }
    }

    private static Link create(RtNetlink rt, String name, int mtu) {
        LOG.atInfo().addKeyValue("device", name).log("Creating host device");
        try (NetNs.Handle here = NetNs.open(Path.of("/proc/thread-self/ns/net"))) {
            SecureRandom random = new SecureRandom();
            Link link = rt.createVethPair(new VethSpec(name, MacAddress.randomLocal(random), peer(name),
                    MacAddress.randomLocal(random), here.fd(), mtu));
            rt.link(peer(name)).ifPresent(p -> rt.setUp(p.index()));
            return link;
        }
    }

    static String peer(String name) {
        return name + "_peer";
    }

    /**
     * The node's own IPv4 addresses, and the pods' gateway: traffic from any of them comes from the host,
     * identity 1.
     */
    public static java.util.Set<Inet4Address> hostAddresses(Inet4Address router) {
        java.util.Set<Inet4Address> out = new java.util.HashSet<>();
        out.add(router);
        try (RtNetlink rt = RtNetlink.open()) {
            for (Link l : rt.links()) {
                rt.addresses(l.index()).forEach(a -> out.add(a.address()));
            }
        }
        return out;
    }

    /** Removes the device (uninstall). */
    public static boolean remove(String name) {
        try (RtNetlink rt = RtNetlink.open()) {
            return rt.link(name).map(l -> rt.deleteLink(l.index())).orElse(false);
        }
    }
}
