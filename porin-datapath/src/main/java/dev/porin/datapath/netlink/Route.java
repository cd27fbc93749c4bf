// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import dev.porin.net.Ipv4Prefix;

import java.net.Inet4Address;
import java.util.Locale;
import java.util.Objects;

/**
 * A unicast IPv4 route with one next hop, in the main table.
 *
 * @param destination the destination prefix; {@code 0.0.0.0/0} is the default route
 * @param gateway the next hop (RTA_GATEWAY), or null for a destination directly on the link
 * @param outputIfindex the output interface (RTA_OIF)
 * @param scope the route's scope: {@link Scope#UNIVERSE} through a gateway, {@link Scope#LINK} without one
 * @param onlink whether the gateway is taken to be on the link even though no address of the link covers
 *     it (RTNH_F_ONLINK), as for a {@code /32} endpoint address
 * @param preferredSource the source address for traffic the host originates on this route (RTA_PREFSRC),
 *     or null
 */
public record Route(Ipv4Prefix destination, Inet4Address gateway, int outputIfindex, Scope scope, boolean onlink,
                    Inet4Address preferredSource) {

    public Route {
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(scope, "scope");
        if (outputIfindex <= 0) {
            throw new IllegalArgumentException("outputIfindex must be a positive interface index, not "
                    + outputIfindex);
        }
    }

    /** In {@code ip route} syntax, e.g. {@code 10.250.0.0/16 via 10.250.0.1 dev 7 onlink}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(destination.toString());
        if (gateway != null) {
            s.append(" via ").append(gateway.getHostAddress());
        }
        s.append(" dev ").append(outputIfindex);
        if (scope != Scope.UNIVERSE) {
            s.append(" scope ").append(scope.name().toLowerCase(Locale.ROOT));
        }
        if (onlink) {
            s.append(" onlink");
        }
        if (preferredSource != null) {
            s.append(" src ").append(preferredSource.getHostAddress());
        }
        return s.toString();
    }
}
