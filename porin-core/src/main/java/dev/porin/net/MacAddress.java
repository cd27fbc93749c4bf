// SPDX-License-Identifier: Apache-2.0
package dev.porin.net;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/** A 48-bit Ethernet address. */
public record MacAddress(byte[] bytes) {

    private static final HexFormat COLONS = HexFormat.ofDelimiter(":");

    public MacAddress {
        if (bytes.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, not " + bytes.length);
        }
        bytes = bytes.clone();
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff}. */
    public static MacAddress parse(String text) {
        try {
            return new MacAddress(COLONS.parseHex(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a MAC address: " + text, e);
        }
    }

    /** A random unicast, locally administered address, as veth peers get. */
    public static MacAddress randomLocal(RandomGenerator random) {
        byte[] b = new byte[6];
        random.nextBytes(b);
        b[0] = (byte) ((b[0] & 0xfe) | 0x02);
        return new MacAddress(b);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return COLONS.formatHex(bytes);
    }
}
