// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import dev.porin.net.MacAddress;

/**
 * A network interface as the kernel reports it (RTM_NEWLINK).
 *
 * @param index the interface index, unique within its network namespace
 * @param name the interface name
 * @param mac the hardware address, or null for a link without an Ethernet address
 * @param mtu the MTU
 * @param up whether the link is administratively up (IFF_UP)
 * @param kind the driver kind from IFLA_INFO_KIND, e.g. {@code veth} or {@code dummy}; null for a physical
 *     device or loopback
 */
public record Link(int index, String name, MacAddress mac, int mtu, boolean up, String kind) {
}
