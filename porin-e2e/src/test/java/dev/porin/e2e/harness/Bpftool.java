// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e.harness;

import dev.porin.api.Json;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads pinned maps with bpftool, so that tests see the kernel's state through a tool that is not Porin. */
public final class Bpftool {

    private Bpftool() {
    }

    /** The raw key bytes of every entry of the map pinned at {@code pin}. */
    public static List<byte[]> keys(Path pin) {
        JsonNode dump = Json.MAPPER.readTree(Cmd.check("bpftool", "-j", "map", "dump", "pinned", pin.toString()).stdout());
        List<byte[]> keys = new ArrayList<>();
        for (JsonNode entry : dump) {
            keys.add(bytes(entry.get("key")));
        }
        return keys;
    }

    /** True if some key of the map starts with the four bytes of IPv4 address {@code ip}. */
    public static boolean hasIpv4Key(Path pin, String ip) {
        byte[] addr = dev.porin.net.Ipv4Prefix.parseAddress(ip).getAddress();
        return keys(pin).stream().anyMatch(k -> k.length >= 4 && k[0] == addr[0] && k[1] == addr[1]
                && k[2] == addr[2] && k[3] == addr[3]);
    }

    /**
     * How many entries the inner map that the map-of-maps pinned at {@code outer} holds under {@code key}
     * (a 4-byte key, such as an endpoint ID) has; -1 if it has no such inner map.
     */
    public static int innerMapEntries(Path outer, int key) {
        for (JsonNode entry : dump("pinned", outer.toString())) {
            byte[] k = bytes(entry.get("key"));
            if (k.length == 4 && littleEndian(k) == key) {
                int id = entry.has("inner_map_id") ? entry.get("inner_map_id").asInt()
                        : littleEndian(bytes(entry.get("value")));
                return dump("id", Integer.toString(id)).size();
            }
        }
        return -1;
    }

    private static JsonNode dump(String how, String which) {
        return Json.MAPPER.readTree(Cmd.check("bpftool", "-j", "map", "dump", how, which).stdout());
    }

    private static int littleEndian(byte[] four) {
        return java.nio.ByteBuffer.wrap(four).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static byte[] bytes(JsonNode hex) {
        byte[] bytes = new byte[hex.size()];
        for (int i = 0; i < hex.size(); i++) {
            bytes[i] = (byte) Integer.parseInt(hex.get(i).asString().substring(2), 16);
        }
        return bytes;
    }
}
