// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.maps;

import dev.porin.datapath.libbpf.BpfMap;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.List;
import java.util.Map;

import static dev.porin.datapath.maps.Layouts.U64;
import static dev.porin.datapath.maps.Layouts.U8;
import static dev.porin.datapath.maps.Layouts.offset;
import static dev.porin.datapath.maps.Layouts.pad;

/** Owner of {@code porin_metrics}: packets and bytes by reason (0 = forwarded, else the drop code) and direction. */
public final class MetricsMap {

    public static final String NAME = "porin_metrics";

    public static final int DIR_INGRESS = 1;
    public static final int DIR_EGRESS = 2;

    /** Must match {@code struct metrics_key} in bpf/lib/metrics.h. */
    public record Key(int reason, int direction) {
    }

    /** Must match {@code struct metrics_value} in bpf/lib/metrics.h. */
    public record Value(long count, long bytes) {
        public Value plus(Value o) {
            return new Value(count + o.count, bytes + o.bytes);
        }
    }

    public static final MapCodec<Key> KEY = new MapCodec<>() {
        private final StructLayout layout = MemoryLayout.structLayout(U8.withName("reason"), U8.withName("dir"), pad(6));
        private final long reason = offset(layout, "reason");
        private final long dir = offset(layout, "dir");

        @Override
        public String cStruct() {
            return "metrics_key";
        }

        @Override
        public StructLayout layout() {
            return layout;
        }

        @Override
        public void encode(Key k, MemorySegment to) {
            to.fill((byte) 0);
            to.set(U8, reason, (byte) k.reason());
            to.set(U8, dir, (byte) k.direction());
        }

        @Override
        public Key decode(MemorySegment from) {
            return new Key(Byte.toUnsignedInt(from.get(U8, reason)), Byte.toUnsignedInt(from.get(U8, dir)));
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

    public MetricsMap(KvMap<Key, Value> map) {
        this.map = map;
    }

    public static MetricsMap of(BpfMap bpf) {
        return new MetricsMap(new PerCpuKvMap<>(bpf, KEY, VALUE, Value::plus));
    }

    public List<Map.Entry<Key, Value>> entries() {
        return map.entries();
    }

    public KvMap<Key, Value> kv() {
        return map;
    }
}
