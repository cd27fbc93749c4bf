// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.maps;

import dev.porin.datapath.libbpf.BpfMap;
import dev.porin.datapath.libbpf.MapFlags;
import dev.porin.datapath.libbpf.MapType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Owner of {@code porin_policy}, the map of per-endpoint policy maps. An endpoint's map is created when it
 * first gets policy and lives in the kernel, held by the outer map, until the endpoint goes; a restarted
 * agent finds it again by endpoint ID. Adding an endpoint thus creates a map and loads no program.
 */
public final class PolicyMaps implements AutoCloseable {

    public static final String NAME = "porin_policy";

    private final BpfMap outer;
    private final int innerMaxEntries;
    private final Map<Integer, BpfMap> inner = new HashMap<>();

    public PolicyMaps(BpfMap outer, int innerMaxEntries) {
        this.outer = outer;
        this.innerMaxEntries = innerMaxEntries;
    }

    /** The endpoint's map, created (and installed in the outer map) if it has none yet. */
    public synchronized PolicyMap forEndpoint(int endpoint) {
        BpfMap map = inner.get(endpoint);
        if (map == null) {
            map = existing(endpoint).orElseGet(() -> create(endpoint));
            inner.put(endpoint, map);
        }
        return new PolicyMap(new BpfKvMap<>(map, PolicyMap.KEY, PolicyMap.VALUE));
    }

    /** The endpoint's map if it has one. */
    public synchronized Optional<PolicyMap> find(int endpoint) {
        BpfMap map = inner.get(endpoint);
        if (map == null) {
            Optional<BpfMap> found = existing(endpoint);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            map = found.get();
            inner.put(endpoint, map);
        }
        return Optional.of(new PolicyMap(new BpfKvMap<>(map, PolicyMap.KEY, PolicyMap.VALUE)));
    }

    /** Removes the endpoint's map; the kernel frees it once no packet uses it. */
    public synchronized boolean remove(int endpoint) {
        BpfMap map = inner.remove(endpoint);
        if (map != null) {
            map.close();
        }
        try (Arena arena = Arena.ofConfined()) {
            return outer.delete(arena.allocateFrom(ValueLayout.JAVA_INT, endpoint));
        }
    }

    /** Endpoint IDs that have a map. */
    public synchronized Set<Integer> endpoints() {
        Set<Integer> ids = new TreeSet<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cur = arena.allocate(4);
            MemorySegment next = arena.allocate(4);
            MemorySegment prev = MemorySegment.NULL;
            while (outer.nextKey(prev, next)) {
                ids.add(next.get(ValueLayout.JAVA_INT, 0));
                cur.copyFrom(next);
                prev = cur;
            }
        }
        return ids;
    }

    private Optional<BpfMap> existing(int endpoint) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment id = arena.allocate(ValueLayout.JAVA_INT);
            if (!outer.lookup(arena.allocateFrom(ValueLayout.JAVA_INT, endpoint), id)) {
                return Optional.empty();
            }
            // A lookup from user space yields the inner map's ID, not a descriptor.
            return Optional.of(BpfMap.openById(id.get(ValueLayout.JAVA_INT, 0)));
        }
    }

    /** The shape every endpoint's map has; the outer map is created with it. */
    public static BpfMap template(int maxEntries) {
        return create("porin_pol_tmpl", maxEntries);
    }

    private static BpfMap create(String name, int maxEntries) {
        return BpfMap.create(MapType.LPM_TRIE, name, (int) PolicyMap.KEY.size(), (int) PolicyMap.VALUE.size(), maxEntries,
                MapFlags.NO_PREALLOC, null);
    }

    private BpfMap create(int endpoint) {
        BpfMap map = create(String.format("porin_pol_%05d", endpoint), innerMaxEntries);
        try (Arena arena = Arena.ofConfined()) {
            outer.update(arena.allocateFrom(ValueLayout.JAVA_INT, endpoint),
                    arena.allocateFrom(ValueLayout.JAVA_INT, map.fd()), MapFlags.ANY);
        } catch (RuntimeException e) {
            map.close();
            throw e;
        }
        return map;
    }

    public int innerMaxEntries() {
        return innerMaxEntries;
    }

    @Override
    public synchronized void close() {
        inner.values().forEach(BpfMap::close);
        inner.clear();
    }
}
