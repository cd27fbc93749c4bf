// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.node;

import dev.porin.datapath.netlink.Address;
import dev.porin.datapath.netlink.Link;
import dev.porin.datapath.netlink.RtNetlink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet4Address;

/**
 * The dummy device ({@code porin_host} by default) that holds the pods' gateway address on the host, so
 * that pods reach the host at an address Porin owns and the host answers them from it. Idempotent: a
 * restarted agent finds it as it left it.
 */
public final class HostDevice {

    private static final Logger LOG = LoggerFactory.getLogger(HostDevice.class);

    private HostDevice() {
    }

    public static Link ensure(String name, Inet4Address router, int mtu) {
        try (RtNetlink rt = RtNetlink.open()) {
            Link link = rt.link(name).orElseGet(() -> {
                LOG.atInfo().addKeyValue("device", name).log("Creating host device");
                return rt.createDummy(name, mtu);
            });
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

    /** Removes the device (uninstall). */
    public static boolean remove(String name) {
        try (RtNetlink rt = RtNetlink.open()) {
            return rt.link(name).map(l -> rt.deleteLink(l.index())).orElse(false);
        }
    }
}
