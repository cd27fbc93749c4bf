// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.testing;

import dev.porin.net.MacAddress;

import java.net.Inet4Address;
import java.nio.ByteBuffer;

/** Crafts Ethernet frames for {@code BPF_PROG_TEST_RUN} and reads fields back out of them. */
public final class Packets {

    public static final int ETH_IP = 0x0800;
    public static final int ETH_ARP = 0x0806;
    public static final int ETH_IPV6 = 0x86dd;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ICMP = 1;

    public static final int SYN = 0x02;
    public static final int ACK = 0x10;
    public static final int FIN = 0x01;
    public static final int RST = 0x04;

    private static final int ETH_LEN = 14;
    private static final int IP_LEN = 20;

    private Packets() {
    }

    public static byte[] tcp(MacAddress src, MacAddress dst, Inet4Address from, Inet4Address to,
                             int sport, int dport, int flags) {
        ByteBuffer l4 = ByteBuffer.allocate(20);
        l4.putShort((short) sport).putShort((short) dport).putInt(1).putInt(0);
        l4.put((byte) 0x50).put((byte) flags).putShort((short) 64240).putShort((short) 0).putShort((short) 0);
        return ipv4(src, dst, from, to, TCP, 64, l4.array());
    }

    public static byte[] udp(MacAddress src, MacAddress dst, Inet4Address from, Inet4Address to, int sport, int dport) {
        ByteBuffer l4 = ByteBuffer.allocate(12);
        l4.putShort((short) sport).putShort((short) dport).putShort((short) 12).putShort((short) 0).putInt(0xdeadbeef);
        return ipv4(src, dst, from, to, UDP, 64, l4.array());
    }

    public static byte[] icmpEcho(MacAddress src, MacAddress dst, Inet4Address from, Inet4Address to,
                                  boolean request, int id) {
        ByteBuffer l4 = ByteBuffer.allocate(16);
        l4.put((byte) (request ? 8 : 0)).put((byte) 0).putShort((short) 0).putShort((short) id).putShort((short) 1);
        l4.putLong(0x0102030405060708L);
        return ipv4(src, dst, from, to, ICMP, 64, l4.array());
    }

    /** An ICMP error of {@code type} quoting the first bytes of {@code quoted} (an IPv4 packet with Ethernet header). */
    public static byte[] icmpError(MacAddress src, MacAddress dst, Inet4Address from, Inet4Address to,
                                   int type, byte[] quoted) {
        ByteBuffer l4 = ByteBuffer.allocate(8 + IP_LEN + 8);
        l4.put((byte) type).put((byte) 0).putShort((short) 0).putInt(0);
        l4.put(quoted, ETH_LEN, IP_LEN + 8);
        return ipv4(src, dst, from, to, ICMP, 64, l4.array());
    }

    public static byte[] withTtl(byte[] frame, int ttl) {
        byte[] f = frame.clone();
        f[ETH_LEN + 8] = (byte) ttl;
        writeIpChecksum(f);
        return f;
    }

    /** The frame with another IPv4 identification, checksum rewritten. */
    public static byte[] withId(byte[] frame, int id) {
        byte[] f = frame.clone();
        f[ETH_LEN + 4] = (byte) (id >> 8);
        f[ETH_LEN + 5] = (byte) id;
        writeIpChecksum(f);
        return f;
    }

    public static int ipChecksum(byte[] f) {
        return ((f[ETH_LEN + 10] & 0xff) << 8) | (f[ETH_LEN + 11] & 0xff);
    }

    public static byte[] ipv4(MacAddress src, MacAddress dst, Inet4Address from, Inet4Address to, int proto,
                              int ttl, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(ETH_LEN + IP_LEN + payload.length);
        b.put(dst.bytes()).put(src.bytes()).putShort((short) ETH_IP);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (IP_LEN + payload.length)).putShort((short) 1)
                .putShort((short) 0x4000).put((byte) ttl).put((byte) proto).putShort((short) 0)
                .put(from.getAddress()).put(to.getAddress());
        b.put(payload);
        byte[] f = b.array();
        writeIpChecksum(f);
        return f;
    }

    public static byte[] arpRequest(MacAddress src, Inet4Address sender, Inet4Address target) {
        ByteBuffer b = ByteBuffer.allocate(ETH_LEN + 28);
        b.put(new byte[] {-1, -1, -1, -1, -1, -1}).put(src.bytes()).putShort((short) ETH_ARP);
        b.putShort((short) 1).putShort((short) ETH_IP).put((byte) 6).put((byte) 4).putShort((short) 1);
        b.put(src.bytes()).put(sender.getAddress()).put(new byte[6]).put(target.getAddress());
        return b.array();
    }

    public static byte[] ipv6Frame(MacAddress src, MacAddress dst) {
        ByteBuffer b = ByteBuffer.allocate(ETH_LEN + 40);
        b.put(dst.bytes()).put(src.bytes()).putShort((short) ETH_IPV6);
        b.put((byte) 0x60);
        return b.array();
    }

    public static MacAddress ethDst(byte[] f) {
        return new MacAddress(java.util.Arrays.copyOfRange(f, 0, 6));
    }

    public static MacAddress ethSrc(byte[] f) {
        return new MacAddress(java.util.Arrays.copyOfRange(f, 6, 12));
    }

    public static int ttl(byte[] f) {
        return f[ETH_LEN + 8] & 0xff;
    }

    public static boolean ipChecksumValid(byte[] f) {
        return checksum(f, ETH_LEN, IP_LEN) == 0;
    }

    private static void writeIpChecksum(byte[] f) {
        f[ETH_LEN + 10] = 0;
        f[ETH_LEN + 11] = 0;
        int c = checksum(f, ETH_LEN, IP_LEN);
        f[ETH_LEN + 10] = (byte) (c >> 8);
        f[ETH_LEN + 11] = (byte) c;
    }

    private static int checksum(byte[] b, int off, int len) {
        int sum = 0;
        for (int i = 0; i < len; i += 2) {
            sum += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return ~sum & 0xffff;
    }
}
