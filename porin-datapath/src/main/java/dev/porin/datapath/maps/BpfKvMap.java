// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.maps;

import dev.porin.datapath.libbpf.BpfMap;
import dev.porin.datapath.libbpf.MapFlags;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link KvMap} over a kernel map whose value has one slot (not per-CPU). */
public final class BpfKvMap<K, V> implements KvMap<K, V> {

    private final BpfMap map;
    private final MapCodec<K> keys;
    private final MapCodec<V> values;

    public BpfKvMap(BpfMap map, MapCodec<K> keys, MapCodec<V> values) {
        if (map.keySize() != keys.size() || map.valueBufferSize() != values.size()) {
            throw new IllegalArgumentException(map.name() + " has key/value sizes " + map.keySize() + "/"
                    + map.valueBufferSize() + ", but " + keys.cStruct() + "/" + values.cStruct() + " are "
                    + keys.size() + "/" + values.size());
        }
        this.map = map;
        this.keys = keys;
        this.values = values;
    }

    @Override
    public String name() {
        return map.name();
    }

    @Override
    public int maxEntries() {
        return map.maxEntries();
    }

    @Override
    public Optional<V> get(K key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocate(keys.layout());
            keys.encode(key, k);
            MemorySegment v = arena.allocate(values.layout());
            return map.lookup(k, v) ? Optional.of(values.decode(v)) : Optional.empty();
        }
    }

    @Override
    public void put(K key, V value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocate(keys.layout());
            keys.encode(key, k);
            MemorySegment v = arena.allocate(values.layout());
            values.encode(value, v);
            map.update(k, v, MapFlags.ANY);
        }
    }

    @Override
    public boolean remove(K key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocate(keys.layout());
            keys.encode(key, k);
            return map.delete(k);
        }
    }

    @Override
    public List<Map.Entry<K, V>> entries() {
        List<Map.Entry<K, V>> out = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cur = arena.allocate(keys.layout());
            MemorySegment next = arena.allocate(keys.layout());
            MemorySegment v = arena.allocate(values.layout());
            MemorySegment prev = MemorySegment.NULL;
            while (map.nextKey(prev, next)) {
                // An entry deleted between the two calls is simply skipped.
                if (map.lookup(next, v)) {
                    out.add(Map.entry(keys.decode(next), values.decode(v)));
                }
                cur.copyFrom(next);
                prev = cur;
            }
        }
        return out;
    }

    @Override
    public int count() {
        return map.count();
    }
}
