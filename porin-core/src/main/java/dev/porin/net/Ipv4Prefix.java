// SPDX-License-Identifier: Apache-2.0
package dev.porin.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 prefix such as {@code 10.200.0.0/16}, held as the network address with the host bits cleared.
 * A bare address parses as a /32.
 */
public record Ipv4Prefix(int network, int length) implements Comparable<Ipv4Prefix> {

    public Ipv4Prefix {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("prefix length must be 0..32, not " + length);
        }
        network &= mask(length);
    }

    public static Ipv4Prefix of(Inet4Address address, int length) {
        return new Ipv4Prefix(toInt(address), length);
    }

    /** Parses {@code a.b.c.d/n} or a bare {@code a.b.c.d}. */
    public static Ipv4Prefix parse(String text) {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        int length = 32;
        if (slash >= 0) {
            try {
                length = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 prefix: " + text);
            }
            if (length < 0 || length > 32) {
                throw new IllegalArgumentException("not an IPv4 prefix: " + text + " (length must be 0..32)");
            }
        }
        return new Ipv4Prefix(toInt(parseAddress(addr)), length);
    }

    /** Parses a dotted-quad IPv4 address without ever consulting DNS. */
    public static Inet4Address parseAddress(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + text);
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + text);
            }
            b[i] = (byte) v;
        }
        return fromBytes(b);
    }

    public static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    public static int toInt(Inet4Address address) {
        byte[] b = address.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    public static Inet4Address fromInt(int value) {
        return fromBytes(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
    }

    private static Inet4Address fromBytes(byte[] b) {
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 bytes are always an IPv4 address", e);
        }
    }

    public Inet4Address address() {
        return fromInt(network);
    }

    /** Number of addresses the prefix covers. */
    public long size() {
        return 1L << (32 - length);
    }

    public boolean contains(Inet4Address address) {
        return (toInt(address) & mask(length)) == network;
    }

    public boolean contains(Ipv4Prefix other) {
        return other.length >= length && (other.network & mask(length)) == network;
    }

    /** The address at {@code offset} from the start of the prefix. */
    public Inet4Address addressAt(long offset) {
        if (offset < 0 || offset >= size()) {
            throw new IndexOutOfBoundsException("offset " + offset + " is outside " + this);
        }
        return fromInt(network + (int) offset);
    }

    @Override
    public int compareTo(Ipv4Prefix o) {
        int c = Integer.compareUnsigned(network, o.network);
        return c != 0 ? c : Integer.compare(length, o.length);
    }

    @Override
    public String toString() {
        return address().getHostAddress() + "/" + length;
    }
}
