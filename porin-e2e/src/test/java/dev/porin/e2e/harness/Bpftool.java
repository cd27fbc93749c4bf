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
            JsonNode key = entry.get("key");
            byte[] bytes = new byte[key.size()];
            for (int i = 0; i < key.size(); i++) {
                bytes[i] = (byte) Integer.parseInt(key.get(i).asString().substring(2), 16);
            }
            keys.add(bytes);
        }
        return keys;
    }

    /** True if some key of the map starts with the four bytes of IPv4 address {@code ip}. */
    public static boolean hasIpv4Key(Path pin, String ip) {
        byte[] addr = dev.porin.net.Ipv4Prefix.parseAddress(ip).getAddress();
        return keys(pin).stream().anyMatch(k -> k.length >= 4 && k[0] == addr[0] && k[1] == addr[1]
                && k[2] == addr[2] && k[3] == addr[3]);
    }
}
