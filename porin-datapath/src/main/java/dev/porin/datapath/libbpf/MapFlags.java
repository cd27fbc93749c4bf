// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.libbpf;

/** Flags of {@code bpf_map_update_elem} and map creation, as the uapi header defines them. */
public final class MapFlags {

    /** Create or replace. */
    public static final long ANY = 0;
    /** Create only. */
    public static final long NOEXIST = 1;
    /** Replace only. */
    public static final long EXIST = 2;

    /** Map creation: allocate entries on demand (required for LPM tries). */
    public static final int NO_PREALLOC = 1;

    private MapFlags() {
    }
}
