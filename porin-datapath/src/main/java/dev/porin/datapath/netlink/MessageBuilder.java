// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one netlink request: the {@code struct nlmsghdr}, the family header (e.g. {@code struct ifinfomsg},
 * written field by field) and {@code struct nlattr} attributes, each padded to NLA_ALIGN. Every request
 * carries NLM_F_REQUEST and NLM_F_ACK, so the kernel always answers, with an error or an acknowledgement.
 */
final class MessageBuilder {

    /** Marks an attribute that holds attributes, as libmnl does; the kernel masks it off. */
    static final int NLA_F_NESTED = 0x8000;

    private final int type;
    private final int flags;
    private ByteBuffer buffer = NetlinkMessage.hostOrder(ByteBuffer.allocate(256));

    /** A request of {@code type} (e.g. RTM_NEWLINK) with {@code flags} besides NLM_F_REQUEST|NLM_F_ACK. */
    MessageBuilder(int type, int flags) {
        this.type = type;
        this.flags = flags | NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK;
        buffer.position(NetlinkMessage.HEADER_LENGTH);
    }

    MessageBuilder u8(int value) {
        ensure(1).put((byte) value);
        return this;
    }

    MessageBuilder u16(int value) {
        ensure(2).putShort((short) value);
        return this;
    }

    MessageBuilder u32(int value) {
        ensure(4).putInt(value);
        return this;
    }

    MessageBuilder attr(int attrType, byte[] value) {
        int start = buffer.position();
        if (start % 4 != 0) {
            throw new IllegalStateException("attribute " + attrType + " would start unaligned at " + start);
        }
        int length = 4 + value.length;
        ensure(NetlinkMessage.align(length)).putShort((short) length).putShort((short) attrType).put(value);
        pad();
        return this;
    }

    MessageBuilder attrU32(int attrType, int value) {
        return attr(attrType, NetlinkMessage.hostOrder(ByteBuffer.allocate(4)).putInt(value).array());
    }

    /** A NUL-terminated string, as the kernel's NLA_STRING and NLA_NUL_STRING policies accept. */
    MessageBuilder attrString(int attrType, String value) {
        byte[] s = value.getBytes(StandardCharsets.UTF_8);
        return attr(attrType, Arrays.copyOf(s, s.length + 1));
    }

    MessageBuilder attrInet4(int attrType, Inet4Address address) {
        return attr(attrType, address.getAddress());
    }

    /** Opens a nested attribute; returns the mark to pass to {@link #endNested}. */
    int startNested(int attrType) {
        int start = buffer.position();
        ensure(4).putShort((short) 0).putShort((short) (attrType | NLA_F_NESTED));
        return start;
    }

    MessageBuilder endNested(int start) {
        buffer.putShort(start, (short) (buffer.position() - start));
        return this;
    }

    /** The finished message with sequence number {@code seq}; the port id stays 0, the kernel fills it in. */
    byte[] build(int seq) {
        int length = buffer.position();
        ByteBuffer out = NetlinkMessage.hostOrder(ByteBuffer.wrap(Arrays.copyOf(buffer.array(), length)));
        out.putInt(0, length).putShort(4, (short) type).putShort(6, (short) flags).putInt(8, seq).putInt(12, 0);
        return out.array();
    }

    private void pad() {
        while (buffer.position() % 4 != 0) {
            buffer.put((byte) 0);
        }
    }

    private ByteBuffer ensure(int bytes) {
        if (buffer.remaining() < bytes) {
            ByteBuffer bigger = NetlinkMessage.hostOrder(
                    ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + bytes)));
            bigger.put(buffer.flip());
            buffer = bigger;
        }
        return buffer;
    }
}
