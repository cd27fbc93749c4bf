// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.maps;

import dev.porin.policy.PolicyEntry;
import dev.porin.policy.PolicyKey;
import dev.porin.policy.api.Direction;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.List;
import java.util.Map;

import static dev.porin.datapath.maps.Layouts.BE16;
import static dev.porin.datapath.maps.Layouts.U32;
import static dev.porin.datapath.maps.Layouts.U8;
import static dev.porin.datapath.maps.Layouts.offset;

/**
 * One endpoint's policy map: an LPM trie that the outer map {@code porin_policy} holds by endpoint ID
 * (see {@link PolicyMaps}). It stores the policy engine's {@link PolicyKey}s and {@link PolicyEntry}s.
 */
public final class PolicyMap {

    /** Bits of the key always matched in full: identity (32) and direction (8). */
    public static final int STATIC_PREFIX = 40;

    /** Must match {@code struct policy_entry} in bpf/lib/policy.h. */
    public record Value(int cookie, boolean deny, int prefixLength, int proxyPort) {
        static Value of(PolicyKey key, PolicyEntry entry) {
            return new Value(entry.cookie(), entry.deny(), key.prefixLength(), 0);
        }

        PolicyEntry entry() {
            return new PolicyEntry(deny, cookie);
        }
    }

    /** Must match {@code struct policy_key} in bpf/lib/policy.h. */
    public static final MapCodec<PolicyKey> KEY = new MapCodec<>() {
        private final StructLayout layout = MemoryLayout.structLayout(U32.withName("prefixlen"),
                U32.withName("sec_label"), U8.withName("egress"), U8.withName("protocol"), BE16.withName("dport"));
        private final long prefixlen = offset(layout, "prefixlen");
        private final long secLabel = offset(layout, "sec_label");
        private final long egress = offset(layout, "egress");
        private final long protocol = offset(layout, "protocol");
        private final long dport = offset(layout, "dport");

        @Override
        public String cStruct() {
            return "policy_key";
        }

        @Override
        public StructLayout layout() {
            return layout;
        }

        @Override
        public void encode(PolicyKey k, MemorySegment to) {
            to.set(U32, prefixlen, STATIC_PREFIX + k.prefixLength());
            to.set(U32, secLabel, k.identity());
            to.set(U8, egress, (byte) (k.direction() == Direction.EGRESS ? 1 : 0));
            to.set(U8, protocol, (byte) k.protocol());
            to.set(BE16, dport, (short) k.port());
        }

        @Override
        public PolicyKey decode(MemorySegment from) {
            int bits = from.get(U32, prefixlen) - STATIC_PREFIX;
            int proto = Byte.toUnsignedInt(from.get(U8, protocol));
            return new PolicyKey(from.get(U32, secLabel),
                    from.get(U8, egress) == 0 ? Direction.INGRESS : Direction.EGRESS,
                    bits == 0 ? 0 : proto, bits > 8 ? Short.toUnsignedInt(from.get(BE16, dport)) : 0,
                    Math.max(0, bits - 8));
        }
    };

    public static final MapCodec<Value> VALUE = new MapCodec<>() {
        private final StructLayout layout = MemoryLayout.structLayout(U32.withName("cookie"), U8.withName("deny"),
                U8.withName("prefix_len"), BE16.withName("proxy_port"));
        private final long cookie = offset(layout, "cookie");
        private final long deny = offset(layout, "deny");
        private final long prefixLen = offset(layout, "prefix_len");
        private final long proxyPort = offset(layout, "proxy_port");

        @Override
        public String cStruct() {
            return "policy_entry";
        }

        @Override
        public StructLayout layout() {
            return layout;
        }

        @Override
        public void encode(Value v, MemorySegment to) {
            to.set(U32, cookie, v.cookie());
            to.set(U8, deny, (byte) (v.deny() ? 1 : 0));
            to.set(U8, prefixLen, (byte) v.prefixLength());
            to.set(BE16, proxyPort, (short) v.proxyPort());
        }

        @Override
        public Value decode(MemorySegment from) {
            return new Value(from.get(U32, cookie), from.get(U8, deny) != 0, Byte.toUnsignedInt(from.get(U8, prefixLen)),
                    Short.toUnsignedInt(from.get(BE16, proxyPort)));
        }
    };

    private final KvMap<PolicyKey, Value> map;

    public PolicyMap(KvMap<PolicyKey, Value> map) {
        this.map = map;
    }

    public void put(PolicyKey key, PolicyEntry entry) {
        map.put(key, Value.of(key, entry));
    }

    public boolean remove(PolicyKey key) {
        return map.remove(key);
    }

    public List<Map.Entry<PolicyKey, PolicyEntry>> entries() {
        return map.entries().stream().map(e -> Map.entry(e.getKey(), e.getValue().entry())).toList();
    }

    public int count() {
        return map.count();
    }

    public int maxEntries() {
        return map.maxEntries();
    }
}
