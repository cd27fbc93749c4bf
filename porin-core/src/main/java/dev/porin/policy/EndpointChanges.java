// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What to change in one endpoint's policy map: entries to write, keys to delete, and its enforcement if
 * that changed (null otherwise). Later changes to the same key override earlier ones.
 */
public final class EndpointChanges {

    private final Map<PolicyKey, PolicyEntry> upserts = new HashMap<>();
    private final Set<PolicyKey> deletes = new HashSet<>();
    private Enforcement enforcement;
    private boolean removed;

    void upsert(PolicyKey key, PolicyEntry entry) {
        deletes.remove(key);
        upserts.put(key, entry);
    }

    void delete(PolicyKey key) {
        upserts.remove(key);
        deletes.add(key);
    }

    void enforcement(Enforcement e) {
        this.enforcement = e;
    }

    void markRemoved() {
        removed = true;
    }

    /** The endpoint came back under the same id: its map is kept, and starts over from no enforcement. */
    void revive() {
        removed = false;
        enforcement = Enforcement.NONE;
    }

    public Map<PolicyKey, PolicyEntry> upserts() {
        return upserts;
    }

    public Set<PolicyKey> deletes() {
        return deletes;
    }

    /** The new enforcement, or null when it did not change. */
    public Enforcement enforcement() {
        return enforcement;
    }

    /** The endpoint is gone: its whole policy map can go. */
    public boolean removed() {
        return removed;
    }

    public boolean isEmpty() {
        return upserts.isEmpty() && deletes.isEmpty() && enforcement == null && !removed;
    }
}
