// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.maps;

import dev.porin.net.Ipv4Prefix;
import dev.porin.net.MacAddress;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.nio.ByteOrder;

/** The C scalar types of map structs as Java layouts, and helpers the codecs share. */
public final class Layouts {

    public static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT;
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG;
    /** {@code __be16}: ports as they travel in packets. */
    public static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    /** {@code __be32}: IPv4 addresses as they travel in packets. */
    public static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);

    private Layouts() {
    }

    public static MemoryLayout bytes(int n, String name) {
        return MemoryLayout.sequenceLayout(n, U8).withName(name);
    }

    public static MemoryLayout pad(int n) {
        return MemoryLayout.paddingLayout(n);
    }

    public static long offset(StructLayout layout, String member) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(member));
    }

    public static void putMac(MemorySegment seg, long offset, MacAddress mac) {
        MemorySegment.copy(mac.bytes(), 0, seg, U8, offset, 6);
    }

    public static MacAddress getMac(MemorySegment seg, long offset) {
        byte[] b = new byte[6];
        MemorySegment.copy(seg, U8, offset, b, 0, 6);
        return new MacAddress(b);
    }

    public static void putIpv4(MemorySegment seg, long offset, Inet4Address address) {
        seg.set(BE32, offset, Ipv4Prefix.toInt(address));
    }

    public static Inet4Address getIpv4(MemorySegment seg, long offset) {
        return Ipv4Prefix.fromInt(seg.get(BE32, offset));
    }
}
