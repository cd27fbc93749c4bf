// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.events;

import dev.porin.datapath.libbpf.BpfMap;
import dev.porin.datapath.libbpf.MapType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Owner of {@code porin_events_lost}: a per-CPU {@code __u64} at key 0 that the datapath bumps for every
 * event the ring buffer had no room for.
 */
public final class EventsLostCounter {

    private final BpfMap map;

    public EventsLostCounter(BpfMap map) {
        if (map.type() != MapType.PERCPU_ARRAY || map.keySize() != 4 || map.valueSize() != 8) {
            throw new IllegalArgumentException(map.name() + " is not a per-CPU array of __u64");
        }
        this.map = map;
    }

    /** Events lost since the datapath was loaded, over all CPUs. */
    public long total() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment values = arena.allocate(map.valueBufferSize(), 8);
            if (!map.lookup(key, values)) {
                return 0;
            }
            long sum = 0;
            for (long off = 0; off < values.byteSize(); off += map.perCpuStride()) {
                sum += values.get(ValueLayout.JAVA_LONG, off);
            }
            return sum;
        }
    }
}
