// SPDX-License-Identifier: Apache-2.0
/**
 * rtnetlink (rtnetlink(7)) over a raw {@code AF_NETLINK/NETLINK_ROUTE} socket: the links, IPv4 addresses
 * and IPv4 routes that wire an endpoint into the node, without shelling out to iproute2.
 *
 * <p>{@link dev.porin.datapath.netlink.RtNetlink} is the entry point. A socket works in the network
 * namespace of the thread that opened it, so namespaced work opens one inside
 * {@link dev.porin.datapath.netns.NetNs#call}.
 */
package dev.porin.datapath.netlink;
