// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/** Netlink traffic recorded from a Linux 6.18 x86_64 kernel, as hex. */
final class Captured {

    private Captured() {
    }

    static ByteBuffer hex(String hex) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(hex));
    }

    /** A {@code .hex} resource next to this class: lines of hex, {@code #} starts a comment line. */
    static ByteBuffer resource(String name) {
        try (InputStream in = Captured.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            String hex = new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
                    .filter(l -> !l.startsWith("#"))
                    .map(String::strip)
                    .collect(Collectors.joining());
            return hex(hex);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static NetlinkMessage single(String hex) {
        List<NetlinkMessage> messages = NetlinkMessage.parseAll(hex(hex));
        if (messages.size() != 1) {
            throw new IllegalArgumentException("expected one message, found " + messages.size());
        }
        return messages.getFirst();
    }
}
