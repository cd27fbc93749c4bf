// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import dev.porin.net.Ipv4Prefix;

import java.net.Inet4Address;
import java.util.Objects;

/**
 * An IPv4 address on an interface, e.g. {@code 10.200.0.5/32}. The address and its prefix length are kept
 * apart because an {@link Ipv4Prefix} clears the host bits: {@code 10.250.0.1/24} is an address, not the
 * network {@code 10.250.0.0/24}.
 *
 * @param ifindex the interface the address is on
 * @param address the interface's own address (IFA_LOCAL)
 * @param prefixLength the length of the prefix the address implies a route to, 0 to 32
 */
public record Address(int ifindex, Inet4Address address, int prefixLength) {

    public Address {
        Objects.requireNonNull(address, "address");
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length must be 0..32, not " + prefixLength);
        }
    }

    /** The network the address belongs to, e.g. {@code 10.250.0.0/24} for {@code 10.250.0.1/24}. */
    public Ipv4Prefix network() {
        return Ipv4Prefix.of(address, prefixLength);
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefixLength + " dev " + ifindex;
    }
}
