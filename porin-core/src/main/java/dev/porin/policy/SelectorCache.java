// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.identity.Identity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which identities each selector selects, kept up to date as identities come and go, so that resolving a
 * rule never scans all identities again. A selector is registered while some rule element uses it.
 */
final class SelectorCache {

    private final Map<Integer, Identity> identities = new HashMap<>();
    private final Map<PeerSelector, Set<Integer>> selections = new HashMap<>();
    private final Map<PeerSelector, Integer> users = new HashMap<>();

    /** The identities {@code selector} selects; registers it (one more user). */
    Set<Integer> use(PeerSelector selector) {
        users.merge(selector, 1, Integer::sum);
        return selections.computeIfAbsent(selector, s -> {
            Set<Integer> ids = new HashSet<>();
            identities.values().forEach(i -> {
                if (s.selects(i)) {
                    ids.add(i.id());
                }
            });
            return ids;
        });
    }

    void unuse(PeerSelector selector) {
        Integer left = users.computeIfPresent(selector, (s, n) -> n - 1);
        if (left != null && left == 0) {
            users.remove(selector);
            selections.remove(selector);
        }
    }

    Set<Integer> selections(PeerSelector selector) {
        return selections.getOrDefault(selector, Set.of());
    }

    /** Adds an identity; returns the selectors that select it. */
    List<PeerSelector> add(Identity identity) {
        identities.put(identity.id(), identity);
        List<PeerSelector> hit = new ArrayList<>();
        selections.forEach((s, ids) -> {
            if (s.selects(identity)) {
                ids.add(identity.id());
                hit.add(s);
            }
        });
        return hit;
    }

    /** Removes an identity; returns the selectors that selected it. */
    List<PeerSelector> remove(int id) {
        identities.remove(id);
        List<PeerSelector> hit = new ArrayList<>();
        selections.forEach((s, ids) -> {
            if (ids.remove(id)) {
                hit.add(s);
            }
        });
        return hit;
    }

    Identity identity(int id) {
        return identities.get(id);
    }

    Collection<Identity> identities() {
        return identities.values();
    }

    Set<PeerSelector> selectors() {
        return new HashSet<>(selections.keySet());
    }
}
