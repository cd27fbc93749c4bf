// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.libbpf;

/** The kernel's {@code enum bpf_map_type} values Porin uses. */
public enum MapType {
    HASH(1),
    ARRAY(2),
    PERCPU_HASH(5),
    PERCPU_ARRAY(6),
    LRU_HASH(9),
    LRU_PERCPU_HASH(10),
    LPM_TRIE(11),
    HASH_OF_MAPS(13),
    RINGBUF(27);

    private final int value;

    MapType(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public boolean isPerCpu() {
        return this == PERCPU_HASH || this == PERCPU_ARRAY || this == LRU_PERCPU_HASH;
    }

    /** The type for a kernel value, or null for one Porin does not use. */
    public static MapType of(int value) {
        for (MapType t : values()) {
            if (t.value == value) {
                return t;
            }
        }
        return null;
    }
}
