// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import java.util.ArrayList;
import java.util.List;

/**
 * IPv4 and IPv6 prefixes as policies write them, parsed without any name lookup: dotted quads without
 * leading zeros, and IPv6 text with at most one {@code ::} and an optional trailing dotted quad.
 */
final class Cidrs {

    /** An address (4 or 16 bytes) and a prefix length. */
    record Prefix(byte[] address, int bits) {

        /** True if {@code other} lies inside this prefix (same family, at least as long, same leading bits). */
        boolean contains(Prefix other) {
            if (other.address.length != address.length || other.bits < bits) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                if (bit(address, i) != bit(other.address, i)) {
                    return false;
                }
            }
            return true;
        }

        private static int bit(byte[] a, int i) {
            return (a[i / 8] >> (7 - i % 8)) & 1;
        }
    }

    private Cidrs() {
    }

    /** Parses {@code address/bits}; the address may have host bits set (they are ignored when matching). */
    static Prefix parsePrefix(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("\"" + text + "\" is not a CIDR prefix (address/length)");
        }
        byte[] address = parseAddress(text.substring(0, slash));
        String bitsText = text.substring(slash + 1);
        int max = address.length * 8;
        if (!bitsText.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(bitsText) > max) {
            throw new IllegalArgumentException("\"" + text + "\" has an invalid prefix length (0.." + max + ")");
        }
        return new Prefix(address, Integer.parseInt(bitsText));
    }

    /** The prefix a node holds, or the error naming it. */
    static Prefix prefix(Node node) {
        try {
            return parsePrefix(node.string());
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
    }

    /** Parses a prefix, or a bare address as a host prefix (/32 or /128). */
    static Prefix parsePrefixOrAddress(String text) {
        if (text.indexOf('/') >= 0) {
            return parsePrefix(text);
        }
        byte[] address = parseAddress(text);
        return new Prefix(address, address.length * 8);
    }

    /** The text of a prefix as written, with a bare address turned into its host prefix. */
    static String withLength(String text) {
        return text.indexOf('/') >= 0 ? text : text + "/" + parseAddress(text).length * 8;
    }

    static byte[] parseAddress(String text) {
        byte[] a = text.indexOf(':') >= 0 ? parseIpv6(text) : parseIpv4(text);
        if (a == null) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 or IPv6 address");
        }
        return a;
    }

    private static byte[] parseIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (!parts[i].matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(parts[i]) > 255) {
                return null;
            }
            out[i] = (byte) Integer.parseInt(parts[i]);
        }
        return out;
    }

    private static byte[] parseIpv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        List<Integer> head = gap < 0 ? groups(text) : groups(text.substring(0, gap));
        List<Integer> tail = gap < 0 ? List.of() : groups(text.substring(gap + 2));
        if (head == null || tail == null) {
            return null;
        }
        int count = head.size() + tail.size();
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        List<Integer> all = new ArrayList<>(head);
        while (all.size() + tail.size() < 8) {
            all.add(0);
        }
        all.addAll(tail);
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (all.get(i) >> 8);
            out[2 * i + 1] = (byte) (int) all.get(i);
        }
        return out;
    }

    /** 16-bit groups separated by ':'; a trailing dotted quad counts as two groups. Null if malformed. */
    private static List<Integer> groups(String text) {
        List<Integer> out = new ArrayList<>();
        if (text.isEmpty()) {
            return out;
        }
        String[] parts = text.split(":", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (i == parts.length - 1 && p.indexOf('.') >= 0) {
                byte[] v4 = parseIpv4(p);
                if (v4 == null) {
                    return null;
                }
                out.add(((v4[0] & 0xff) << 8) | (v4[1] & 0xff));
                out.add(((v4[2] & 0xff) << 8) | (v4[3] & 0xff));
            } else if (p.matches("[0-9A-Fa-f]{1,4}")) {
                out.add(Integer.parseInt(p, 16));
            } else {
                return null;
            }
        }
        return out;
    }
}
