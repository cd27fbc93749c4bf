// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import dev.porin.net.MacAddress;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** RTM_NEWLINK, RTM_DELLINK and RTM_GETLINK: {@code struct ifinfomsg} and the IFLA_* attributes. */
final class LinkMessages {

    static final int RTM_NEWLINK = 16;
    static final int RTM_DELLINK = 17;
    static final int RTM_GETLINK = 18;

    private static final int IFINFOMSG_LENGTH = 16;
    private static final int IFF_UP = 0x1;
    /** IFNAMSIZ less the terminating NUL. */
    private static final int MAX_NAME_BYTES = 15;

    private static final int IFLA_ADDRESS = 1;
    private static final int IFLA_IFNAME = 3;
    private static final int IFLA_MTU = 4;
    private static final int IFLA_LINKINFO = 18;
    private static final int IFLA_NET_NS_FD = 28;
    private static final int IFLA_INFO_KIND = 1;
    private static final int IFLA_INFO_DATA = 2;
    private static final int VETH_INFO_PEER = 1;

    private LinkMessages() {
    }

    static void checkName(String name) {
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("an interface name has 1 to " + MAX_NAME_BYTES + " bytes: '" + name
                    + "' has " + bytes);
        }
    }

    /**
     * Creates both ends at once. The peer's attributes follow a {@code struct ifinfomsg} of their own inside
     * VETH_INFO_PEER (veth.h), and IFLA_NET_NS_FD there makes the kernel register the peer in that namespace.
     */
    static MessageBuilder newVeth(VethSpec spec) {
        MessageBuilder m = ifinfomsg(create(), 0, 0, 0);
        linkAttributes(m, spec.name(), spec.mac(), spec.mtu());
        int linkInfo = m.startNested(IFLA_LINKINFO);
        m.attrString(IFLA_INFO_KIND, "veth");
        int data = m.startNested(IFLA_INFO_DATA);
        int peer = m.startNested(VETH_INFO_PEER);
        ifinfomsg(m, 0, 0, 0);
        linkAttributes(m, spec.peerName(), spec.peerMac(), spec.mtu());
        m.attrU32(IFLA_NET_NS_FD, spec.peerNetnsFd());
        return m.endNested(peer).endNested(data).endNested(linkInfo);
    }

    /** Sets IFF_UP: ifi_change selects the flags ifi_flags changes. */
    static MessageBuilder up(int ifindex) {
        return ifinfomsg(new MessageBuilder(RTM_NEWLINK, 0), ifindex, IFF_UP, IFF_UP);
    }

    static MessageBuilder delete(int ifindex) {
        return ifinfomsg(new MessageBuilder(RTM_DELLINK, 0), ifindex, 0, 0);
    }

    static MessageBuilder get(String name) {
        checkName(name);
        return ifinfomsg(new MessageBuilder(RTM_GETLINK, 0), 0, 0, 0).attrString(IFLA_IFNAME, name);
    }

    static MessageBuilder get(int ifindex) {
        return ifinfomsg(new MessageBuilder(RTM_GETLINK, 0), ifindex, 0, 0);
    }

    static MessageBuilder dump() {
        return ifinfomsg(new MessageBuilder(RTM_GETLINK, NetlinkMessage.NLM_F_DUMP), 0, 0, 0);
    }

    static Link decode(NetlinkMessage m) {
        ByteBuffer p = m.payload();
        int index = p.getInt(4);
        int flags = p.getInt(8);
        Attributes a = Attributes.parse(p.duplicate().position(IFINFOMSG_LENGTH));
        byte[] hw = a.bytes(IFLA_ADDRESS);
        return new Link(index, a.string(IFLA_IFNAME), hw != null && hw.length == 6 ? new MacAddress(hw) : null,
                a.u32(IFLA_MTU, 0), (flags & IFF_UP) != 0, a.nested(IFLA_LINKINFO).string(IFLA_INFO_KIND));
    }

    private static MessageBuilder create() {
        return new MessageBuilder(RTM_NEWLINK, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL);
    }

    private static void linkAttributes(MessageBuilder m, String name, MacAddress mac, int mtu) {
        m.attrString(IFLA_IFNAME, name).attr(IFLA_ADDRESS, mac.bytes()).attrU32(IFLA_MTU, mtu);
    }

    /** {@code struct ifinfomsg}: family, pad, type (ARPHRD_*), index, flags, change. */
    private static MessageBuilder ifinfomsg(MessageBuilder m, int index, int flags, int change) {
        return m.u8(NetlinkMessage.AF_UNSPEC).u8(0).u16(0).u32(index).u32(flags).u32(change);
    }
}
