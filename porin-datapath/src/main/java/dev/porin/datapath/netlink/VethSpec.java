// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import dev.porin.net.MacAddress;

import java.util.Objects;

/**
 * A veth pair to create: the host side in the socket's network namespace, the peer directly inside another
 * one, so that the peer never appears (not even briefly) in the host namespace under its own name.
 *
 * @param name the host side's name, at most 15 bytes
 * @param mac the host side's MAC address
 * @param peerName the peer's name inside its namespace, e.g. {@code eth0}
 * @param peerMac the peer's MAC address
 * @param peerNetnsFd an open file descriptor of the peer's network namespace, see
 *     {@link dev.porin.datapath.netns.NetNs#open}; it is only used while the pair is created
 * @param mtu the MTU of both sides
 */
public record VethSpec(String name, MacAddress mac, String peerName, MacAddress peerMac, int peerNetnsFd, int mtu) {

    public VethSpec {
        LinkMessages.checkName(name);
        LinkMessages.checkName(peerName);
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(peerMac, "peerMac");
        if (peerNetnsFd < 0) {
            throw new IllegalArgumentException("peerNetnsFd must be an open file descriptor, not " + peerNetnsFd);
        }
        if (mtu <= 0) {
            throw new IllegalArgumentException("mtu must be positive, not " + mtu);
        }
    }
}
