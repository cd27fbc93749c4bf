// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.maps;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A key-value map with typed keys and values: a BPF map, or an in-memory stand-in for tests. */
public interface KvMap<K, V> {

    String name();

    int maxEntries();

    Optional<V> get(K key);

    /** Creates or replaces. */
    void put(K key, V value);

    /** False if the key was absent. */
    boolean remove(K key);

    /** A snapshot of every entry; entries changing meanwhile may or may not be seen. */
    List<Map.Entry<K, V>> entries();

    int count();
}
