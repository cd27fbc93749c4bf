// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.maps;

import dev.porin.datapath.libbpf.BpfMap;
import dev.porin.datapath.libbpf.MapFlags;
import dev.porin.datapath.libbpf.MapType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BinaryOperator;

/**
 * A {@link KvMap} over a per-CPU kernel map. Reads fold the CPUs' values into one with {@code sum};
 * writes give every CPU the same value (in practice: zero, when an entry is created).
 *
 * <p>In a per-CPU array every index exists and holds zeros until counted on. Such entries are left out of
 * {@link #entries()} and {@link #count()}, and removing an entry zeroes it: the array then reads like a
 * hash map of what has been counted.
 */
public final class PerCpuKvMap<K, V> implements KvMap<K, V> {

    private final BpfMap map;
    private final MapCodec<K> keys;
    private final MapCodec<V> values;
    private final BinaryOperator<V> sum;
    private final boolean array;

    public PerCpuKvMap(BpfMap map, MapCodec<K> keys, MapCodec<V> values, BinaryOperator<V> sum) {
        if (map.keySize() != keys.size() || map.valueSize() != values.size()) {
            throw new IllegalArgumentException(map.name() + " has key/value sizes " + map.keySize() + "/"
                    + map.valueSize() + ", but " + keys.cStruct() + "/" + values.cStruct() + " are "
                    + keys.size() + "/" + values.size());
        }
        this.map = map;
        this.keys = keys;
        this.values = values;
        this.sum = sum;
        this.array = map.type() == MapType.PERCPU_ARRAY;
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
            MemorySegment v = arena.allocate(map.valueBufferSize(), 8);
            return map.lookup(k, v) ? Optional.of(fold(v)) : Optional.empty();
        }
    }

    @Override
    public void put(K key, V value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocate(keys.layout());
            keys.encode(key, k);
            MemorySegment v = arena.allocate(map.valueBufferSize(), 8);
            for (long off = 0; off < v.byteSize(); off += map.perCpuStride()) {
                values.encode(value, v.asSlice(off, values.size()));
            }
            map.update(k, v, MapFlags.ANY);
        }
    }

    @Override
    public boolean remove(K key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment k = arena.allocate(keys.layout());
            keys.encode(key, k);
            if (!array) {
                return map.delete(k);
            }
            MemorySegment v = arena.allocate(map.valueBufferSize(), 8);
            if (!map.lookup(k, v) || isZero(v)) {
                return false;
            }
            v.fill((byte) 0);
            map.update(k, v, MapFlags.ANY);
            return true;
        }
    }

    @Override
    public List<Map.Entry<K, V>> entries() {
        List<Map.Entry<K, V>> out = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cur = arena.allocate(keys.layout());
            MemorySegment next = arena.allocate(keys.layout());
            MemorySegment v = arena.allocate(map.valueBufferSize(), 8);
            MemorySegment prev = MemorySegment.NULL;
            while (map.nextKey(prev, next)) {
                if (map.lookup(next, v) && !(array && isZero(v))) {
                    out.add(Map.entry(keys.decode(next), fold(v)));
                }
                cur.copyFrom(next);
                prev = cur;
            }
        }
        return out;
    }

    @Override
    public int count() {
        return array ? entries().size() : map.count();
    }

    private static boolean isZero(MemorySegment perCpu) {
        for (long off = 0; off + 8 <= perCpu.byteSize(); off += 8) {
            if (perCpu.get(ValueLayout.JAVA_LONG_UNALIGNED, off) != 0) {
                return false;
            }
        }
        return true;
    }

    private V fold(MemorySegment perCpu) {
        V total = null;
        for (long off = 0; off < perCpu.byteSize(); off += map.perCpuStride()) {
            V one = values.decode(perCpu.asSlice(off, values.size()));
            total = total == null ? one : sum.apply(total, one);
        }
        return total;
    }
}
