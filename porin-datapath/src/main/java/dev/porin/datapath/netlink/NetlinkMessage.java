// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One netlink message as received: the {@code struct nlmsghdr} fields and the payload after it. Netlink
 * headers and most attributes are in host byte order; IP addresses inside attributes are in network order.
 */
record NetlinkMessage(int type, int flags, int seq, int portId, ByteBuffer payload) {

    static final int HEADER_LENGTH = 16;

    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;

    static final int NLM_F_REQUEST = 0x01;
    static final int NLM_F_ACK = 0x04;
    static final int NLM_F_DUMP_INTR = 0x10;
    static final int NLM_F_REPLACE = 0x100;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    static final int NLM_F_DUMP = 0x300;
    /** On an NLMSG_ERROR: the echoed request was cut to its header (NETLINK_CAP_ACK). */
    static final int NLM_F_CAPPED = 0x100;
    /** On an NLMSG_ERROR or NLMSG_DONE: extended-ack attributes follow. */
    static final int NLM_F_ACK_TLVS = 0x200;

    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;

    /** NLMSG_ALIGN and NLA_ALIGN: netlink pads every message and attribute to 4 bytes. */
    static int align(int length) {
        return (length + 3) & ~3;
    }

    /** A buffer in the byte order netlink uses for its headers. */
    static ByteBuffer hostOrder(ByteBuffer buffer) {
        return buffer.order(ByteOrder.nativeOrder());
    }

    /** Splits one received datagram into its messages. */
    static List<NetlinkMessage> parseAll(ByteBuffer datagram) {
        ByteBuffer b = hostOrder(datagram.duplicate());
        List<NetlinkMessage> messages = new ArrayList<>();
        while (b.remaining() >= HEADER_LENGTH) {
            int start = b.position();
            int length = b.getInt(start);
            if (length < HEADER_LENGTH || length > b.remaining()) {
                throw new IllegalArgumentException("malformed netlink message: nlmsg_len " + length + " with "
                        + b.remaining() + " bytes left");
            }
            messages.add(new NetlinkMessage(
                    Short.toUnsignedInt(b.getShort(start + 4)),
                    Short.toUnsignedInt(b.getShort(start + 6)),
                    b.getInt(start + 8),
                    b.getInt(start + 12),
                    hostOrder(b.slice(start + HEADER_LENGTH, length - HEADER_LENGTH))));
            b.position(start + Math.min(align(length), b.remaining()));
        }
        return messages;
    }

    boolean hasFlag(int flag) {
        return (flags & flag) == flag;
    }
}
