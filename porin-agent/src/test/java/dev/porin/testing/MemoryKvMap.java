// SPDX-License-Identifier: Apache-2.0
package dev.porin.testing;

import dev.porin.datapath.maps.KvMap;
import dev.porin.datapath.sys.Errno;
import dev.porin.datapath.sys.NativeException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link KvMap} in a hash map. Like a BPF map, it refuses a new key once it holds {@code maxEntries}, with
 * the error the kernel gives: {@code E2BIG} for a hash map, {@code ENOSPC} for an LPM trie ({@link #lpmTrie}).
 */
public final class MemoryKvMap<K, V> implements KvMap<K, V> {

    private final String name;
    private final int maxEntries;
    private final int fullErrno;
    private final Map<K, V> entries = new LinkedHashMap<>();

    public MemoryKvMap(String name, int maxEntries) {
        this(name, maxEntries, Errno.E2BIG);
    }

    private MemoryKvMap(String name, int maxEntries, int fullErrno) {
        this.name = name;
        this.maxEntries = maxEntries;
        this.fullErrno = fullErrno;
    }

    /** A stand-in for an LPM trie, such as an endpoint's policy map. */
    public static <K, V> MemoryKvMap<K, V> lpmTrie(String name, int maxEntries) {
        return new MemoryKvMap<>(name, maxEntries, Errno.ENOSPC);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxEntries() {
        return maxEntries;
    }

    @Override
    public synchronized Optional<V> get(K key) {
        return Optional.ofNullable(entries.get(key));
    }

    @Override
    public synchronized void put(K key, V value) {
        if (!entries.containsKey(key) && entries.size() >= maxEntries) {
            throw new NativeException("bpf_map_update_elem(" + name + ")", fullErrno);
        }
        entries.put(key, value);
    }

    @Override
    public synchronized boolean remove(K key) {
        return entries.remove(key) != null;
    }

    @Override
    public synchronized List<Map.Entry<K, V>> entries() {
        List<Map.Entry<K, V>> out = new ArrayList<>();
        entries.forEach((k, v) -> out.add(Map.entry(k, v)));
        return out;
    }

    @Override
    public synchronized int count() {
        return entries.size();
    }

    /** The keys, for assertions. */
    public synchronized List<K> keys() {
        return List.copyOf(entries.keySet());
    }
}
