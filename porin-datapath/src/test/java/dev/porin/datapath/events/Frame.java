// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.events;

import dev.porin.net.Ipv4Prefix;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Builds Ethernet frames byte by byte for the dissector: an IPv4 header with any number of option words and
 * any fragment offset, and the first bytes of a TCP, UDP, SCTP or ICMP header. Checksums are left zero; the
 * dissector never looks at them.
 */
final class Frame {

    static final long SRC_MAC = 0x02_00_00_00_0a_01L;
    static final long DST_MAC = 0xfe_ff_ff_ff_ff_feL;

    private int etherType = Packet.ETH_IPV4;
    private int optionWords;
    private int ihlOverride = -1;
    private int fragment; // flags and offset, as on the wire
    private int protocol = Packet.PROTO_TCP;
    private int src = 0x0a_00_00_01;
    private int dst = 0xc0_a8_01_fe;
    private byte[] l4 = new byte[0];
    private byte[] rawL3;

    static Frame ipv4(String src, String dst) {
        Frame f = new Frame();
        f.src = ip(src);
        f.dst = ip(dst);
        return f;
    }

    static Frame ofEtherType(int etherType, byte[] l3) {
        Frame f = new Frame();
        f.etherType = etherType;
        f.rawL3 = l3;
        return f;
    }

    Frame tcp(int sport, int dport, int flags) {
        protocol = Packet.PROTO_TCP;
        l4 = ByteBuffer.allocate(20).putShort((short) sport).putShort((short) dport).putInt(1).putInt(0)
                .put((byte) 0x50).put((byte) flags).putShort((short) 64240).putInt(0).array();
        return this;
    }

    Frame udp(int sport, int dport) {
        protocol = Packet.PROTO_UDP;
        l4 = ByteBuffer.allocate(8).putShort((short) sport).putShort((short) dport).putShort((short) 8).array();
        return this;
    }

    Frame sctp(int sport, int dport) {
        protocol = Packet.PROTO_SCTP;
        l4 = ByteBuffer.allocate(12).putShort((short) sport).putShort((short) dport).putInt(0x1234).array();
        return this;
    }

    Frame icmp(int type, int code) {
        protocol = Packet.PROTO_ICMP;
        l4 = ByteBuffer.allocate(8).put((byte) type).put((byte) code).putShort((short) 0).putInt(0x00010001).array();
        return this;
    }

    /** Another IP protocol, with a few bytes of payload that are not a header the dissector knows. */
    Frame protocol(int proto) {
        protocol = proto;
        l4 = new byte[] {1, 2, 3, 4, 5, 6, 7, 8};
        return this;
    }

    /** {@code words} 32-bit words of IPv4 options (NOPs), making IHL 5 + words. */
    Frame options(int words) {
        optionWords = words;
        return this;
    }

    /** An IHL that does not match the header actually written. */
    Frame ihl(int ihl) {
        ihlOverride = ihl;
        return this;
    }

    /** Fragment offset in 8-byte units, and whether more fragments follow. */
    Frame fragment(int offset, boolean more) {
        fragment = (more ? 0x2000 : 0) | offset;
        return this;
    }

    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer eth = ByteBuffer.allocate(14);
        eth.putShort((short) (DST_MAC >>> 32)).putInt((int) DST_MAC);
        eth.putShort((short) (SRC_MAC >>> 32)).putInt((int) SRC_MAC);
        eth.putShort((short) etherType);
        out.writeBytes(eth.array());
        if (rawL3 != null) {
            out.writeBytes(rawL3);
            return out.toByteArray();
        }
        int hdr = 20 + 4 * optionWords;
        int ihl = ihlOverride >= 0 ? ihlOverride : hdr / 4;
        ByteBuffer ip = ByteBuffer.allocate(hdr);
        ip.put((byte) (0x40 | ihl)).put((byte) 0).putShort((short) (hdr + l4.length)).putShort((short) 7)
                .putShort((short) fragment).put((byte) 64).put((byte) protocol).putShort((short) 0)
                .putInt(src).putInt(dst);
        byte[] options = new byte[4 * optionWords];
        Arrays.fill(options, (byte) 1); // NOP
        ip.put(options);
        out.writeBytes(ip.array());
        out.writeBytes(l4);
        return out.toByteArray();
    }

    /** The first {@code n} bytes, as a capture of that length would hold. */
    byte[] first(int n) {
        return Arrays.copyOf(bytes(), n);
    }

    static int ip(String dotted) {
        return Ipv4Prefix.toInt(Ipv4Prefix.parseAddress(dotted));
    }
}
