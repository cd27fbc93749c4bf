// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.maps;

import dev.porin.datapath.libbpf.BpfMap;
import dev.porin.net.Ipv4Prefix;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.List;
import java.util.Map;

import static dev.porin.datapath.maps.Layouts.BE32;
import static dev.porin.datapath.maps.Layouts.U32;
import static dev.porin.datapath.maps.Layouts.offset;

/** Owner of {@code porin_ipcache}: the security identity of every address and prefix the node knows. */
public final class IpCacheMap {

    public static final String NAME = "porin_ipcache";

    /** Must match {@code struct ipcache_key} in bpf/lib/ipcache.h. */
    public record Key(Ipv4Prefix prefix) {
    }

    /** Must match {@code struct remote_endpoint_info} in bpf/lib/ipcache.h. */
    public record Value(int identity) {
    }

    public static final MapCodec<Key> KEY = new MapCodec<>() {
        private final StructLayout layout = MemoryLayout.structLayout(U32.withName("prefixlen"), BE32.withName("addr"));

        @Override
        public String cStruct() {
            return "ipcache_key";
        }

        @Override
        public StructLayout layout() {
            return layout;
        }

        @Override
        public void encode(Key k, MemorySegment to) {
            to.set(U32, offset(layout, "prefixlen"), k.prefix().length());
            to.set(BE32, offset(layout, "addr"), k.prefix().network());
        }

        @Override
        public Key decode(MemorySegment from) {
            return new Key(new Ipv4Prefix(from.get(BE32, offset(layout, "addr")), from.get(U32, offset(layout, "prefixlen"))));
        }
    };

    public static final MapCodec<Value> VALUE = new MapCodec<>() {
        private final StructLayout layout = MemoryLayout.structLayout(U32.withName("sec_identity"), U32.withName("flags"));

        @Override
        public String cStruct() {
            return "remote_endpoint_info";
        }

        @Override
        public StructLayout layout() {
            return layout;
        }

        @Override
        public void encode(Value v, MemorySegment to) {
            to.set(U32, 0, v.identity());
            to.set(U32, 4, 0);
        }

        @Override
        public Value decode(MemorySegment from) {
            return new Value(from.get(U32, 0));
        }
    };

    private final KvMap<Key, Value> map;

    public IpCacheMap(KvMap<Key, Value> map) {
        this.map = map;
    }

    public static IpCacheMap of(BpfMap bpf) {
        return new IpCacheMap(new BpfKvMap<>(bpf, KEY, VALUE));
    }

    public void upsert(Ipv4Prefix prefix, int identity) {
        map.put(new Key(prefix), new Value(identity));
    }

    public boolean remove(Ipv4Prefix prefix) {
        return map.remove(new Key(prefix));
    }

    public List<Map.Entry<Key, Value>> entries() {
        return map.entries();
    }

    public KvMap<Key, Value> kv() {
        return map;
    }
}
