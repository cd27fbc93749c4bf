// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.maps;

import dev.porin.datapath.libbpf.BpfMap;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.util.Optional;

import static dev.porin.datapath.maps.Layouts.U32;
import static dev.porin.datapath.maps.Layouts.U64;
import static dev.porin.datapath.maps.Layouts.offset;

/**
 * Owner of {@code porin_lxc_stats}: packets and bytes each endpoint sent (tx) and received (rx). The
 * datapath keeps them in a per-CPU array indexed by endpoint ID (1 to {@link EndpointMap#MAX_ENDPOINT_ID});
 * an ID outside that range has no counters.
 */
public final class EndpointStatsMap {

    public static final String NAME = "porin_lxc_stats";

    /** Must match {@code struct endpoint_stats} in bpf/lib/eps.h. */
    public record Stats(long rxPackets, long rxBytes, long txPackets, long txBytes) {
        public static final Stats ZERO = new Stats(0, 0, 0, 0);

        public Stats plus(Stats o) {
            return new Stats(rxPackets + o.rxPackets, rxBytes + o.rxBytes, txPackets + o.txPackets, txBytes + o.txBytes);
        }
    }

    public static final MapCodec<Integer> KEY = new MapCodec<>() {
        private final StructLayout layout = MemoryLayout.structLayout(U32.withName("id"));

        @Override
        public String cStruct() {
            return "__u32";
        }

        @Override
        public StructLayout layout() {
            return layout;
        }

        @Override
        public void encode(Integer id, MemorySegment to) {
            to.set(U32, 0, id);
        }

        @Override
        public Integer decode(MemorySegment from) {
            return from.get(U32, 0);
        }
    };

    public static final MapCodec<Stats> VALUE = new MapCodec<>() {
        private final StructLayout layout = MemoryLayout.structLayout(U64.withName("rx_packets"),
                U64.withName("rx_bytes"), U64.withName("tx_packets"), U64.withName("tx_bytes"));
        private final long rxPackets = offset(layout, "rx_packets");
        private final long rxBytes = offset(layout, "rx_bytes");
        private final long txPackets = offset(layout, "tx_packets");
        private final long txBytes = offset(layout, "tx_bytes");

        @Override
        public String cStruct() {
            return "endpoint_stats";
        }

        @Override
        public StructLayout layout() {
            return layout;
        }

        @Override
        public void encode(Stats v, MemorySegment to) {
            to.set(U64, rxPackets, v.rxPackets());
            to.set(U64, rxBytes, v.rxBytes());
            to.set(U64, txPackets, v.txPackets());
            to.set(U64, txBytes, v.txBytes());
        }

        @Override
        public Stats decode(MemorySegment from) {
            return new Stats(from.get(U64, rxPackets), from.get(U64, rxBytes), from.get(U64, txPackets),
                    from.get(U64, txBytes));
        }
    };

    private final KvMap<Integer, Stats> map;

    public EndpointStatsMap(KvMap<Integer, Stats> map) {
        this.map = map;
    }

    public static EndpointStatsMap of(BpfMap bpf) {
        return new EndpointStatsMap(new PerCpuKvMap<>(bpf, KEY, VALUE, Stats::plus));
    }

    /** Starts counting for an endpoint from zero. */
    public void reset(int endpointId) {
        if (counted(endpointId)) {
            map.put(endpointId, Stats.ZERO);
        }
    }

    /** Forgets an endpoint's counts; false if there were none. */
    public boolean remove(int endpointId) {
        return counted(endpointId) && map.remove(endpointId);
    }

    public Optional<Stats> get(int endpointId) {
        return counted(endpointId) ? map.get(endpointId) : Optional.empty();
    }

    private static boolean counted(int endpointId) {
        return endpointId > 0 && endpointId <= EndpointMap.MAX_ENDPOINT_ID;
    }

    public KvMap<Integer, Stats> kv() {
        return map;
    }
}
