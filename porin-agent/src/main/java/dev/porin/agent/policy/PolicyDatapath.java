// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.policy;

import dev.porin.datapath.maps.IpCacheMap;
import dev.porin.datapath.maps.NodeConfigMap;
import dev.porin.datapath.maps.PolicyMap;
import dev.porin.datapath.sys.NativeException;
import dev.porin.net.Ipv4Prefix;
import dev.porin.policy.EndpointChanges;
import dev.porin.policy.PolicyChanges;
import dev.porin.policy.PolicyEntry;
import dev.porin.policy.PolicyKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.function.IntUnaryOperator;

/**
 * Writes policy into the kernel: per-endpoint policy maps, CIDR identities in the IP cache, and the policy
 * revision that makes established connections be checked again.
 *
 * <p>Order matters, because packets flow while we write: new entries first, then the endpoint's
 * enforcement flags, then deletions, then the revision. Turning enforcement on thus never meets a map
 * without its allows, and turning it off happens before the allows go.
 *
 * <p>A full policy map fails closed, deterministically: deny entries are written before allows, an
 * allow is evicted to make room for a deny, and allows that do not fit are left out (their traffic is
 * dropped) and reported by {@link #overflow(int)}.
 */
final class PolicyDatapath {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyDatapath.class);

    private final PolicyMapStore maps;
    private final IpCacheMap ipcache;
    private final NodeConfigMap nodeConfig;
    /** How many entries each endpoint's policy has, per the engine. */
    private final IntUnaryOperator desiredCount;
    /** Entries each endpoint's policy has but its map could not take. */
    private final Map<Integer, Integer> overflow = new HashMap<>();

    PolicyDatapath(PolicyMapStore maps, IpCacheMap ipcache, NodeConfigMap nodeConfig, IntUnaryOperator desiredCount) {
        this.maps = maps;
        this.ipcache = ipcache;
        this.nodeConfig = nodeConfig;
        this.desiredCount = desiredCount;
    }

    /**
     * Applies a batch. {@code enforcement} is called for each endpoint whose enforcement changed, between
     * writing its new entries and deleting its old ones; it updates the endpoint's flags.
     */
    void apply(PolicyChanges changes, IntConsumer enforcement) {
        changes.cidrUpserts().forEach(ipcache::upsert);
        for (Map.Entry<Integer, EndpointChanges> e : changes.endpoints().entrySet()) {
            int endpoint = e.getKey();
            EndpointChanges c = e.getValue();
            if (c.removed()) {
                maps.remove(endpoint);
                overflow.remove(endpoint);
                continue;
            }
            PolicyMap map = maps.forEndpoint(endpoint);
            write(endpoint, map, c.upserts());
            if (c.enforcement() != null) {
                enforcement.accept(endpoint);
            }
            c.deletes().forEach(map::remove);
        }
        changes.cidrDeletes().forEach(ipcache::remove);
        if (!changes.isEmpty()) {
            nodeConfig.policyRevision(changes.revision());
        }
    }

    /** The revision the datapath holds: the last one published, by this run or an earlier one. */
    long publishedRevision() {
        return Integer.toUnsignedLong(nodeConfig.policyRevision());
    }

    /** Publishes {@code revision}: connections last allowed under another are checked again. */
    void publishRevision(long revision) {
        nodeConfig.policyRevision(revision);
    }

    /** Makes an endpoint's map hold exactly {@code desired}, whatever it held before (restore). */
    void sync(int endpoint, Map<PolicyKey, PolicyEntry> desired) {
        PolicyMap map = maps.forEndpoint(endpoint);
        Map<PolicyKey, PolicyEntry> stale = new HashMap<>();
        for (Map.Entry<PolicyKey, PolicyEntry> e : map.entries()) {
            if (!e.getValue().equals(desired.get(e.getKey()))) {
                stale.put(e.getKey(), e.getValue());
            }
        }
        stale.keySet().stream().filter(k -> !desired.containsKey(k)).forEach(map::remove);
        Map<PolicyKey, PolicyEntry> missing = new HashMap<>(desired);
        map.entries().forEach(e -> {
            if (e.getValue().equals(desired.get(e.getKey()))) {
                missing.remove(e.getKey());
            }
        });
        write(endpoint, map, missing);
    }

    /** Removes the maps of endpoints that no longer exist. */
    void retain(Set<Integer> endpoints) {
        for (int id : maps.endpoints()) {
            if (!endpoints.contains(id)) {
                maps.remove(id);
            }
        }
    }

    void ipcache(Ipv4Prefix prefix, int identity) {
        ipcache.upsert(prefix, identity);
    }

    void removeIpcache(Ipv4Prefix prefix) {
        ipcache.remove(prefix);
    }

    /** Removes every IP cache entry not in {@code desired} and writes those that are. */
    void syncIpcache(Map<Ipv4Prefix, Integer> desired) {
        for (var e : ipcache.entries()) {
            if (!desired.containsKey(e.getKey().prefix())) {
                ipcache.remove(e.getKey().prefix());
            }
        }
        desired.forEach(ipcache::upsert);
    }

    /** How many entries of the endpoint's policy are not in its map because it is full. */
    int overflow(int endpoint) {
        return overflow.getOrDefault(endpoint, 0);
    }

    /** Endpoints whose policy map is full, with how many entries each is missing. */
    Map<Integer, Integer> overflows() {
        return Map.copyOf(overflow);
    }

    private void write(int endpoint, PolicyMap map, Map<PolicyKey, PolicyEntry> upserts) {
        List<Map.Entry<PolicyKey, PolicyEntry>> ordered = new ArrayList<>(upserts.entrySet());
        // Denies first, then allows in key order: what does not fit is always the same allows.
        ordered.sort(Comparator.comparing((Map.Entry<PolicyKey, PolicyEntry> e) -> !e.getValue().deny())
                .thenComparing(Map.Entry::getKey));
        boolean full = false;
        for (Map.Entry<PolicyKey, PolicyEntry> e : ordered) {
            full |= !put(map, e.getKey(), e.getValue());
        }
        if (full || overflow.containsKey(endpoint)) {
            int missing = desiredCount.applyAsInt(endpoint) - map.count();
            Integer before = missing > 0 ? overflow.put(endpoint, missing) : overflow.remove(endpoint);
            if (missing > 0 && !Integer.valueOf(missing).equals(before)) {
                LOG.atWarn().addKeyValue("endpointID", endpoint).addKeyValue("notInstalled", missing)
                        .addKeyValue("maxEntries", maps.maxEntries())
                        .log("Policy map full: allow entries left out, their traffic is dropped");
            }
        }
    }

    /** Writes one entry; a deny that does not fit evicts an allow. False if the entry could not be written. */
    private boolean put(PolicyMap map, PolicyKey key, PolicyEntry entry) {
        while (true) {
            try {
                map.put(key, entry);
                return true;
            } catch (NativeException e) {
                if (!isFull(e)) {
                    throw e;
                }
                if (!entry.deny() || !evictAllow(map)) {
                    return false;
                }
            }
        }
    }

    private static boolean evictAllow(PolicyMap map) {
        return map.entries().stream().filter(e -> !e.getValue().deny()).map(Map.Entry::getKey)
                .max(Comparator.naturalOrder()).map(map::remove).orElse(false);
    }

    private static boolean isFull(NativeException e) {
        return e.errno() == dev.porin.datapath.sys.Errno.ENOSPC || e.errno() == dev.porin.datapath.sys.Errno.E2BIG;
    }
}
