// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.maps;

import dev.porin.datapath.libbpf.BpfMap;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static dev.porin.datapath.maps.Layouts.U32;
import static dev.porin.datapath.maps.Layouts.U64;

/**
 * Owner of {@code porin_metrics}: packets and bytes by reason (0 = forwarded, else the drop code) and direction.
 *
 * <p>The datapath keeps them in a per-CPU array indexed by {@code reason * 4 + direction}. A packet one
 * local pod sends straight to another is counted there once, in a third direction, and this owner adds it
 * to both: it left the sender (egress) and reached the receiver (ingress). Readers only ever see the two
 * directions.
 */
public final class MetricsMap {

    public static final String NAME = "porin_metrics";

    public static final int DIR_INGRESS = 1;
    public static final int DIR_EGRESS = 2;
    /** Forwarded between two local pods: both directions at once. Must match {@code METRICS_LOCAL}. */
    static final int DIR_LOCAL = 3;
    /** Must match {@code METRICS_DIRS} in bpf/lib/metrics.h. */
    static final int DIRECTIONS = 4;

    public record Key(int reason, int direction) {
    }

    /** Must match {@code struct metrics_value} in bpf/lib/metrics.h. */
    public record Value(long count, long bytes) {
        public Value plus(Value o) {
            return new Value(count + o.count, bytes + o.bytes);
        }
    }

    /** The array index of a key: {@code reason * METRICS_DIRS + direction}. */
    public static final MapCodec<Key> KEY = new MapCodec<>() {
        private final StructLayout layout = MemoryLayout.structLayout(U32.withName("index"));

        @Override
        public String cStruct() {
            return "__u32";
        }

        @Override
        public StructLayout layout() {
            return layout;
        }

        @Override
        public void encode(Key k, MemorySegment to) {
            to.set(U32, 0, k.reason() * DIRECTIONS + k.direction());
        }

        @Override
        public Key decode(MemorySegment from) {
            int index = from.get(U32, 0);
            return new Key(index / DIRECTIONS, index % DIRECTIONS);
        }
    };

    public static final MapCodec<Value> VALUE = new MapCodec<>() {
        private final StructLayout layout = MemoryLayout.structLayout(U64.withName("count"), U64.withName("bytes"));

        @Override
        public String cStruct() {
            return "metrics_value";
        }

        @Override
        public StructLayout layout() {
            return layout;
        }

        @Override
        public void encode(Value v, MemorySegment to) {
            to.set(U64, 0, v.count());
            to.set(U64, 8, v.bytes());
        }

        @Override
        public Value decode(MemorySegment from) {
            return new Value(from.get(U64, 0), from.get(U64, 8));
        }
    };

    private final KvMap<Key, Value> map;

    /** Over a map of the two directions, e.g. a stand-in for tests. */
    public MetricsMap(KvMap<Key, Value> map) {
        this.map = map;
    }

    public static MetricsMap of(BpfMap bpf) {
        return new MetricsMap(new Folded(new PerCpuKvMap<>(bpf, KEY, VALUE, Value::plus)));
    }

    /** Every counter that counted something, ordered by reason and direction. */
    public List<Map.Entry<Key, Value>> entries() {
        return map.entries();
    }

    public KvMap<Key, Value> kv() {
        return map;
    }

    /**
     * The datapath's array as readers see it: local forwards added to both directions, counters that never
     * counted left out. Read-only: the counters are the datapath's.
     */
    private record Folded(KvMap<Key, Value> raw) implements KvMap<Key, Value> {

        private static final Value ZERO = new Value(0, 0);

        @Override
        public String name() {
            return raw.name();
        }

        @Override
        public int maxEntries() {
            return raw.maxEntries();
        }

        @Override
        public Optional<Value> get(Key key) {
            if (key.direction() != DIR_INGRESS && key.direction() != DIR_EGRESS) {
                return Optional.empty();
            }
            Value v = raw.get(key).orElse(ZERO).plus(raw.get(new Key(key.reason(), DIR_LOCAL)).orElse(ZERO));
            return v.equals(ZERO) ? Optional.empty() : Optional.of(v);
        }

        @Override
        public void put(Key key, Value value) {
            throw new UnsupportedOperationException(NAME + " is written by the datapath only");
        }

        @Override
        public boolean remove(Key key) {
            throw new UnsupportedOperationException(NAME + " is written by the datapath only");
        }

        @Override
        public List<Map.Entry<Key, Value>> entries() {
            Map<Key, Value> folded = new TreeMap<>(Comparator.comparingInt(Key::reason).thenComparingInt(Key::direction));
            for (Map.Entry<Key, Value> e : raw.entries()) {
                Key k = e.getKey();
                if (k.direction() == DIR_LOCAL) {
                    folded.merge(new Key(k.reason(), DIR_EGRESS), e.getValue(), Value::plus);
                    folded.merge(new Key(k.reason(), DIR_INGRESS), e.getValue(), Value::plus);
                } else {
                    folded.merge(k, e.getValue(), Value::plus);
                }
            }
            return folded.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList();
        }

        @Override
        public int count() {
            return entries().size();
        }
    }
}
