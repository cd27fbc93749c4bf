// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import java.net.Inet4Address;
import java.nio.ByteBuffer;

/** RTM_NEWADDR and RTM_GETADDR for IPv4: {@code struct ifaddrmsg} and the IFA_* attributes. */
final class AddressMessages {

    static final int RTM_NEWADDR = 20;
    static final int RTM_GETADDR = 22;

    private static final int IFADDRMSG_LENGTH = 8;
    private static final int IFA_ADDRESS = 1;
    private static final int IFA_LOCAL = 2;

    private AddressMessages() {
    }

    /**
     * IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer's on a point-to-point link and the
     * same address elsewhere, so both carry it, as {@code ip address add} sends them.
     */
    static MessageBuilder add(Address address) {
        MessageBuilder m = ifaddrmsg(
                new MessageBuilder(RTM_NEWADDR, NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL),
                address.prefixLength(), address.ifindex());
        return m.attrInet4(IFA_LOCAL, address.address()).attrInet4(IFA_ADDRESS, address.address());
    }

    /** With NETLINK_GET_STRICT_CHK the kernel only dumps the addresses of ifa_index. */
    static MessageBuilder dump(int ifindex) {
        return ifaddrmsg(new MessageBuilder(RTM_GETADDR, NetlinkMessage.NLM_F_DUMP), 0, ifindex);
    }

    static Address decode(NetlinkMessage m) {
        ByteBuffer p = m.payload();
        Attributes a = Attributes.parse(p.duplicate().position(IFADDRMSG_LENGTH));
        Inet4Address local = a.inet4(IFA_LOCAL);
        return new Address(p.getInt(4), local != null ? local : a.inet4(IFA_ADDRESS), Byte.toUnsignedInt(p.get(1)));
    }

    /** {@code struct ifaddrmsg}: family, prefix length, flags, scope, index. */
    private static MessageBuilder ifaddrmsg(MessageBuilder m, int prefixLength, int ifindex) {
        return m.u8(NetlinkMessage.AF_INET).u8(prefixLength).u8(0).u8(0).u32(ifindex);
    }
}
