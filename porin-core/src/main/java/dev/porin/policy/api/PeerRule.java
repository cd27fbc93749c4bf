// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import java.util.List;

/**
 * One element of an {@code ingress}, {@code ingressDeny}, {@code egress} or {@code egressDeny} list: peers,
 * and the ports (or ICMP types) they may, or may not, use.
 *
 * <p>{@code anyPeer} is true when the element names no L3 peer at all (only ports, or nothing in a
 * Kubernetes NetworkPolicy): it then applies to every peer. With {@code anyPeer} false, {@code peers}
 * may be empty, and the element selects nobody. No ports and no ICMP types means every port and protocol.
 */
public record PeerRule(boolean anyPeer, List<Peer> peers, List<PortRule> ports, List<IcmpField> icmps) {

    public PeerRule {
        peers = List.copyOf(peers);
        ports = List.copyOf(ports);
        icmps = List.copyOf(icmps);
        if (anyPeer && !peers.isEmpty()) {
            throw new IllegalArgumentException("a rule element for any peer names no peers");
        }
    }

    /** True when it restricts neither ports nor ICMP types: the whole L3 peer is meant. */
    public boolean allPortsAndProtocols() {
        return ports.isEmpty() && icmps.isEmpty();
    }
}
