// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import dev.porin.net.Ipv4Prefix;

import java.net.Inet4Address;
import java.nio.ByteBuffer;

/** RTM_NEWROUTE, RTM_DELROUTE and RTM_GETROUTE for IPv4: {@code struct rtmsg} and the RTA_* attributes. */
final class RouteMessages {

    static final int RTM_NEWROUTE = 24;
    static final int RTM_DELROUTE = 25;
    static final int RTM_GETROUTE = 26;

    private static final int RTMSG_LENGTH = 12;
    private static final int RT_TABLE_MAIN = 254;
    private static final int RTPROT_UNSPEC = 0;
    /** Set by an administrator, as opposed to by the kernel (RTPROT_KERNEL) or a routing daemon. */
    private static final int RTPROT_STATIC = 4;
    private static final int RTN_UNICAST = 1;
    private static final int RTNH_F_ONLINK = 4;

    private static final int RTA_DST = 1;
    private static final int RTA_OIF = 4;
    private static final int RTA_GATEWAY = 5;
    private static final int RTA_PREFSRC = 7;
    private static final int RTA_MULTIPATH = 9;
    private static final int RTA_TABLE = 15;

    private RouteMessages() {
    }

    static MessageBuilder add(Route route) {
        return route(new MessageBuilder(RTM_NEWROUTE, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL),
                route, RTPROT_STATIC);
    }

    static MessageBuilder replace(Route route) {
        return route(new MessageBuilder(RTM_NEWROUTE, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_REPLACE),
                route, RTPROT_STATIC);
    }

    /** Every field given must match; protocol 0 matches a route whoever installed it. */
    static MessageBuilder delete(Route route) {
        return route(new MessageBuilder(RTM_DELROUTE, 0), route, RTPROT_UNSPEC);
    }

    /** With NETLINK_GET_STRICT_CHK the kernel only dumps the table named in rtm_table. */
    static MessageBuilder dumpMain() {
        return rtmsg(new MessageBuilder(RTM_GETROUTE, NetlinkMessage.NLM_F_DUMP), 0, RT_TABLE_MAIN, 0, 0, 0, 0);
    }

    /**
     * The route in {@code m}, or null for one a {@link Route} cannot describe: another table, another type
     * than unicast (blackhole, unreachable, ...), several next hops, or a scope without a name.
     */
    static Route decode(NetlinkMessage m) {
        ByteBuffer p = m.payload();
        int dstLength = Byte.toUnsignedInt(p.get(1));
        int table = Byte.toUnsignedInt(p.get(4));
        Scope scope = Scope.ofValue(Byte.toUnsignedInt(p.get(6)));
        int type = Byte.toUnsignedInt(p.get(7));
        int flags = p.getInt(8);
        Attributes a = Attributes.parse(p.duplicate().position(RTMSG_LENGTH));
        // rtm_table is a byte; RTA_TABLE holds the full id when there is one.
        if (a.u32(RTA_TABLE, table) != RT_TABLE_MAIN || type != RTN_UNICAST || scope == null
                || a.has(RTA_MULTIPATH) || !a.has(RTA_OIF)) {
            return null;
        }
        Inet4Address dst = a.inet4(RTA_DST);
        Ipv4Prefix destination = dst == null ? new Ipv4Prefix(0, 0) : Ipv4Prefix.of(dst, dstLength);
        return new Route(destination, a.inet4(RTA_GATEWAY), a.u32(RTA_OIF, 0), scope,
                (flags & RTNH_F_ONLINK) != 0, a.inet4(RTA_PREFSRC));
    }

    private static MessageBuilder route(MessageBuilder m, Route route, int protocol) {
        rtmsg(m, route.destination().length(), RT_TABLE_MAIN, protocol, route.scope().value(), RTN_UNICAST,
                route.onlink() ? RTNH_F_ONLINK : 0);
        if (route.destination().length() > 0) {
            m.attrInet4(RTA_DST, route.destination().address());
        }
        if (route.gateway() != null) {
            m.attrInet4(RTA_GATEWAY, route.gateway());
        }
        if (route.preferredSource() != null) {
            m.attrInet4(RTA_PREFSRC, route.preferredSource());
        }
        return m.attrU32(RTA_OIF, route.outputIfindex());
    }

    /** {@code struct rtmsg}: family, dst_len, src_len, tos, table, protocol, scope, type, flags. */
    private static MessageBuilder rtmsg(MessageBuilder m, int dstLength, int table, int protocol, int scope,
                                        int type, int flags) {
        return m.u8(NetlinkMessage.AF_INET).u8(dstLength).u8(0).u8(0)
                .u8(table).u8(protocol).u8(scope).u8(type).u32(flags);
    }
}
