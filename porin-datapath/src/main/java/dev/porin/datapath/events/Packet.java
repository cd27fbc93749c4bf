// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.events;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The headers of a captured packet, dissected: Ethernet, IPv4 and the L4 header, as far as the capture
 * reaches. Addresses are IPv4 in network order packed into an int, MACs in the low 48 bits of a long; a
 * field the capture did not reach is 0. {@code ipVersion} is 4 for IPv4, 6 for IPv6 (not dissected
 * further), else 0.
 */
public record Packet(long srcMac, long dstMac, int etherType, int ipVersion, int srcIp, int dstIp, int protocol,
                     int srcPort, int dstPort, int tcpFlags, int icmpType, int icmpCode) {

    public static final Packet NONE = new Packet(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public static final int ETH_IPV4 = 0x0800;
    public static final int ETH_IPV6 = 0x86dd;
    public static final int ETH_ARP = 0x0806;

    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_SCTP = 132;

    public static final int TCP_FIN = 0x01;
    public static final int TCP_SYN = 0x02;
    public static final int TCP_RST = 0x04;
    public static final int TCP_PSH = 0x08;
    public static final int TCP_ACK = 0x10;
    public static final int TCP_URG = 0x20;
    public static final int TCP_ECE = 0x40;
    public static final int TCP_CWR = 0x80;

    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    public static Packet parse(byte[] frame) {
        return parse(MemorySegment.ofArray(frame), 0, frame.length);
    }

    /** Dissects the {@code len} captured bytes at {@code at}. */
    public static Packet parse(MemorySegment s, long at, int len) {
        if (len < 14) {
            return NONE;
        }
        long dst = mac(s, at);
        long src = mac(s, at + 6);
        int etherType = u16(s, at + 12);
        if (etherType == ETH_IPV6) {
            return new Packet(src, dst, etherType, 6, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        if (etherType != ETH_IPV4 || len < 14 + 20) {
            return new Packet(src, dst, etherType, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        long ip = at + 14;
        int ihl = (s.get(ValueLayout.JAVA_BYTE, ip) & 0x0f) * 4;
        int proto = Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, ip + 9));
        int saddr = s.get(BE32, ip + 12);
        int daddr = s.get(BE32, ip + 16);
        boolean firstFragment = (u16(s, ip + 6) & 0x1fff) == 0;
        long l4 = ip + ihl;
        int l4len = (int) (at + len - l4);
        int sport = 0;
        int dport = 0;
        int flags = 0;
        int icmpType = 0;
        int icmpCode = 0;
        if (firstFragment && ihl >= 20) {
            switch (proto) {
                case PROTO_TCP, PROTO_UDP, PROTO_SCTP -> {
                    if (l4len >= 4) {
                        sport = u16(s, l4);
                        dport = u16(s, l4 + 2);
                    }
                    if (proto == PROTO_TCP && l4len >= 14) {
                        flags = Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, l4 + 13));
                    }
                }
                case PROTO_ICMP -> {
                    if (l4len >= 1) {
                        icmpType = Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, l4));
                    }
                    if (l4len >= 2) {
                        icmpCode = Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, l4 + 1));
                    }
                }
                default -> {
                }
            }
        }
        return new Packet(src, dst, etherType, 4, saddr, daddr, proto, sport, dport, flags, icmpType, icmpCode);
    }

    public boolean isIpv4() {
        return ipVersion == 4;
    }

    /** Dotted quad of a packed address. */
    public static String ipv4(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "."
                + (address & 0xff);
    }

    /** {@code aa:bb:cc:dd:ee:ff} of a packed MAC. */
    public static String mac(long mac) {
        StringBuilder b = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            int octet = (int) (mac >>> shift) & 0xff;
            b.append(Character.forDigit(octet >> 4, 16)).append(Character.forDigit(octet & 0xf, 16));
            if (shift > 0) {
                b.append(':');
            }
        }
        return b.toString();
    }

    private static long mac(MemorySegment s, long at) {
        return (Integer.toUnsignedLong(s.get(BE32, at)) << 16) | u16(s, at + 4);
    }

    private static int u16(MemorySegment s, long at) {
        return Short.toUnsignedInt(s.get(BE16, at));
    }
}
