// SPDX-License-Identifier: Apache-2.0
package dev.porin.identity;

import dev.porin.labels.Label;
import dev.porin.labels.Labels;
import dev.porin.net.Ipv4Prefix;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Hands out identities: the same security labels always get the same number, numbers are reference
 * counted by their users (endpoints for cluster identities, policies for CIDR identities), and a freed
 * number is handed out again as late as possible. Allocation is node-local; {@link #snapshot()} lets the
 * agent keep numbers stable across restarts, because conntrack entries and flows carry them.
 *
 * <p>Not thread-safe; the policy engine serializes access.
 */
public final class IdentityAllocator {

    /** What survives a restart: every allocated number with its labels, and the cursors. */
    public record Snapshot(Map<Integer, List<String>> identities, int nextCluster, int nextLocal) {
    }

    private final Map<Labels, Identity> byLabels = new HashMap<>();
    private final Map<Integer, Identity> byId = new TreeMap<>();
    private final Map<Integer, Integer> references = new HashMap<>();
    private int nextCluster = Identity.MIN_CLUSTER;
    private int nextLocal = 1;
    private long version;

    public IdentityAllocator() {
        for (Identity r : ReservedIdentities.ALL) {
            byLabels.put(r.labels(), r);
            byId.put(r.id(), r);
        }
    }

    /**
     * Restores the numbers of a previous run. They come back unreferenced: the caller acquires those still
     * in use and then calls {@link #releaseUnreferenced()}.
     */
    public static IdentityAllocator restore(Snapshot snapshot) {
        IdentityAllocator a = new IdentityAllocator();
        snapshot.identities().forEach((id, labels) -> {
            Identity i = new Identity(id, Labels.parse(labels, Label.SOURCE_UNSPEC));
            a.byLabels.put(i.labels(), i);
            a.byId.put(id, i);
            a.references.put(id, 0);
        });
        a.nextCluster = Math.max(Identity.MIN_CLUSTER, snapshot.nextCluster());
        a.nextLocal = Math.max(1, snapshot.nextLocal());
        return a;
    }

    /** The identity for {@code labels}, allocated on first use; each call takes one reference. */
    public Identity acquire(Labels labels) {
        Identity existing = byLabels.get(labels);
        if (existing != null) {
            if (!existing.isReserved()) {
                references.merge(existing.id(), 1, Integer::sum);
            }
            return existing;
        }
        boolean local = labels.hasSource(Label.SOURCE_CIDR);
        Identity created = new Identity(local ? nextFree(true) : nextFree(false), labels);
        byLabels.put(labels, created);
        byId.put(created.id(), created);
        references.put(created.id(), 1);
        version++;
        return created;
    }

    /** The CIDR identity of {@code prefix}: labels {@code cidr:<prefix>} and {@code reserved:world}. */
    public Identity acquireCidr(Ipv4Prefix prefix) {
        if (prefix.length() == 0) {
            // The whole IPv4 space is the world itself.
            return ReservedIdentities.get(Identity.WORLD);
        }
        return acquire(cidrLabels(prefix));
    }

    public static Labels cidrLabels(Ipv4Prefix prefix) {
        return Labels.of(new Label(Label.SOURCE_CIDR, prefix.toString(), ""), Label.reserved("world"));
    }

    /** Drops one reference; returns true if that was the last and the identity is gone. */
    public boolean release(Identity identity) {
        if (identity.isReserved()) {
            return false;
        }
        Integer left = references.computeIfPresent(identity.id(), (id, n) -> n - 1);
        if (left == null || left > 0) {
            return false;
        }
        forget(identity.id());
        return true;
    }

    /** Forgets restored identities nobody acquired again; returns them. */
    public List<Identity> releaseUnreferenced() {
        List<Identity> gone = new ArrayList<>();
        for (Map.Entry<Integer, Integer> e : List.copyOf(references.entrySet())) {
            if (e.getValue() == 0) {
                gone.add(byId.get(e.getKey()));
                forget(e.getKey());
            }
        }
        return gone;
    }

    private void forget(int id) {
        Identity i = byId.remove(id);
        byLabels.remove(i.labels());
        references.remove(id);
        version++;
    }

    /** Changes whenever an identity is allocated or forgotten: what {@link #snapshot()} holds changed. */
    public long version() {
        return version;
    }

    public Optional<Identity> get(int id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Optional<Identity> find(Labels labels) {
        return Optional.ofNullable(byLabels.get(labels));
    }

    public Collection<Identity> all() {
        return List.copyOf(byId.values());
    }

    public int clusterIdentities() {
        return (int) byId.keySet().stream().filter(id -> id >= Identity.MIN_CLUSTER && id <= Identity.MAX_CLUSTER).count();
    }

    public Snapshot snapshot() {
        Map<Integer, List<String>> ids = new TreeMap<>();
        byId.values().stream().filter(i -> !i.isReserved()).forEach(i -> ids.put(i.id(), i.labels().strings()));
        return new Snapshot(ids, nextCluster, nextLocal);
    }

    private int nextFree(boolean local) {
        int min = local ? 1 : Identity.MIN_CLUSTER;
        int max = local ? 0xFFFFFF : Identity.MAX_CLUSTER;
        int span = max - min + 1;
        int start = local ? nextLocal : nextCluster;
        for (int i = 0; i < span; i++) {
            int candidate = min + Math.floorMod(start - min + i, span);
            int id = local ? Identity.LOCAL_SCOPE | candidate : candidate;
            if (!byId.containsKey(id)) {
                int next = candidate == max ? min : candidate + 1;
                if (local) {
                    nextLocal = next;
                } else {
                    nextCluster = next;
                }
                return id;
            }
        }
        throw new IdentitySpaceExhaustedException((local ? "local (CIDR)" : "cluster") + " identity space ("
                + span + " numbers) is exhausted");
    }
}
