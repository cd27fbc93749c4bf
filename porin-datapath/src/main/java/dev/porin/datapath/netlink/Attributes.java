// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import dev.porin.net.Ipv4Prefix;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code struct nlattr} list of a message (or of a nested attribute), by type. A repeated type keeps
 * its last value; none of the attributes read here repeat.
 */
final class Attributes {

    private static final int HEADER_LENGTH = 4;
    /** NLA_TYPE_MASK: the type without NLA_F_NESTED and NLA_F_NET_BYTEORDER. */
    private static final int TYPE_MASK = 0x3fff;

    private final Map<Integer, ByteBuffer> byType;

    private Attributes(Map<Integer, ByteBuffer> byType) {
        this.byType = byType;
    }

    /** Parses the attributes between the buffer's position and its limit. */
    static Attributes parse(ByteBuffer buffer) {
        ByteBuffer b = NetlinkMessage.hostOrder(buffer.slice());
        Map<Integer, ByteBuffer> byType = new HashMap<>();
        while (b.remaining() >= HEADER_LENGTH) {
            int start = b.position();
            int length = Short.toUnsignedInt(b.getShort(start));
            int type = Short.toUnsignedInt(b.getShort(start + 2)) & TYPE_MASK;
            if (length < HEADER_LENGTH || length > b.remaining()) {
                throw new IllegalArgumentException("malformed netlink attribute " + type + ": nla_len " + length
                        + " with " + b.remaining() + " bytes left");
            }
            byType.put(type, NetlinkMessage.hostOrder(b.slice(start + HEADER_LENGTH, length - HEADER_LENGTH)));
            b.position(start + Math.min(NetlinkMessage.align(length), b.remaining()));
        }
        return new Attributes(byType);
    }

    boolean has(int type) {
        return byType.containsKey(type);
    }

    /** The raw value, or null if absent. */
    byte[] bytes(int type) {
        ByteBuffer v = byType.get(type);
        if (v == null) {
            return null;
        }
        byte[] out = new byte[v.remaining()];
        v.duplicate().get(out);
        return out;
    }

    /** A NUL-terminated string attribute, or null if absent. */
    String string(int type) {
        byte[] v = bytes(type);
        if (v == null) {
            return null;
        }
        int end = 0;
        while (end < v.length && v[end] != 0) {
            end++;
        }
        return new String(v, 0, end, StandardCharsets.UTF_8);
    }

    /** A u32 attribute in host byte order, or {@code absent} if there is none. */
    int u32(int type, int absent) {
        ByteBuffer v = byType.get(type);
        if (v == null) {
            return absent;
        }
        if (v.remaining() < 4) {
            throw new IllegalArgumentException("netlink attribute " + type + " has " + v.remaining()
                    + " bytes, a u32 needs 4");
        }
        return v.getInt(v.position());
    }

    /** An IPv4 address attribute (network byte order), or null if absent. */
    Inet4Address inet4(int type) {
        ByteBuffer v = byType.get(type);
        if (v == null) {
            return null;
        }
        if (v.remaining() != 4) {
            throw new IllegalArgumentException("netlink attribute " + type + " has " + v.remaining()
                    + " bytes, an IPv4 address has 4");
        }
        return Ipv4Prefix.fromInt(v.order(ByteOrder.BIG_ENDIAN).getInt(v.position()));
    }

    /** The attributes nested in {@code type}; empty if absent. */
    Attributes nested(int type) {
        ByteBuffer v = byType.get(type);
        return v == null ? new Attributes(Map.of()) : parse(v);
    }
}
