// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.policy;

import dev.porin.datapath.maps.IpCacheMap;
import dev.porin.datapath.maps.NodeConfigMap;
import dev.porin.datapath.maps.PolicyMap;
import dev.porin.datapath.sys.Errno;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * Writes policy into the kernel: per-endpoint policy maps, CIDR identities in the IP cache, and the policy
 * revision that makes established connections be checked again.
 *
 * <p>Order matters, because packets flow while we write. A batch writes every new entry of every endpoint
 * first, then the enforcement flags of endpoints whose enforcement changed, then switches endpoints that
 * changed identity (IP cache and endpoint map, see {@link #apply}), then deletes, then publishes the
 * revision. Turning enforcement on thus never meets a map without its allows, turning it off happens before
 * the allows go, and peers learn an endpoint's new identity before it uses it.
 *
 * <p><b>A full policy map</b> fails closed, deterministically, whatever the order in which entries came:
 * a map that cannot hold its endpoint's whole policy holds every deny, then the allows in {@link PolicyKey}
 * order (peer identity: any peer and reserved identities first, then cluster, then CIDR identities; then
 * direction, protocol and port) as far as they fit. The allows with the highest keys are left out and their
 * traffic is dropped; if the denies alone do not fit, no allow is installed at all. The endpoint and the
 * number left out are reported ({@link #overflow(int)}, a WARN log naming the endpoint and the first entry
 * left out); once the policy fits again, the entries are installed and the report clears (an INFO log).
 */
final class PolicyDatapath {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyDatapath.class);

    /** Denies first, then allows; each in key order. The order in which a full map is filled. */
    private static final Comparator<Map.Entry<PolicyKey, PolicyEntry>> FILL_ORDER =
            Comparator.comparing((Map.Entry<PolicyKey, PolicyEntry> e) -> !e.getValue().deny())
                    .thenComparing(Map.Entry::getKey);

    private final PolicyMapStore maps;
    private final IpCacheMap ipcache;
    private final NodeConfigMap nodeConfig;
    /** Each endpoint's whole policy, per the engine. */
    private final IntFunction<Map<PolicyKey, PolicyEntry>> desired;
    /** Entries each endpoint's policy has but its map could not take. */
    private final Map<Integer, Integer> overflow = new HashMap<>();

    PolicyDatapath(PolicyMapStore maps, IpCacheMap ipcache, NodeConfigMap nodeConfig,
                   IntFunction<Map<PolicyKey, PolicyEntry>> desired) {
        this.maps = maps;
        this.ipcache = ipcache;
        this.nodeConfig = nodeConfig;
        this.desired = desired;
    }

    /**
     * Applies a batch. {@code enforcement} is called for each endpoint whose enforcement changed, once every
     * endpoint's new entries are written; {@code switchover} runs after that and before any entry is deleted:
     * it moves endpoints that changed identity to the new one.
     */
    void apply(PolicyChanges changes, IntConsumer enforcement, Runnable switchover) {
        changes.cidrUpserts().forEach(ipcache::upsert);
        Set<Integer> full = new HashSet<>();
        for (Map.Entry<Integer, EndpointChanges> e : changes.endpoints().entrySet()) {
            if (!e.getValue().removed() && !write(maps.forEndpoint(e.getKey()), e.getValue().upserts())) {
                full.add(e.getKey());
            }
        }
        changes.endpoints().forEach((endpoint, c) -> {
            if (!c.removed() && c.enforcement() != null) {
                enforcement.accept(endpoint);
            }
        });
        switchover.run();
        for (Map.Entry<Integer, EndpointChanges> e : changes.endpoints().entrySet()) {
            int endpoint = e.getKey();
            EndpointChanges c = e.getValue();
            if (c.removed()) {
                maps.remove(endpoint);
                overflow.remove(endpoint);
                continue;
            }
            PolicyMap map = maps.forEndpoint(endpoint);
            c.deletes().forEach(map::remove);
            if (full.contains(endpoint) || overflow.containsKey(endpoint)) {
                settle(endpoint, map);
            }
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

    /** Makes an endpoint's map hold exactly its policy (as much of it as fits), whatever it held before (restore). */
    void sync(int endpoint) {
        settle(endpoint, maps.forEndpoint(endpoint));
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

    /** Writes entries in fill order; a deny that does not fit evicts an allow. False if any did not fit. */
    private static boolean write(PolicyMap map, Map<PolicyKey, PolicyEntry> upserts) {
        List<Map.Entry<PolicyKey, PolicyEntry>> ordered = new ArrayList<>(upserts.entrySet());
        ordered.sort(FILL_ORDER);
        boolean fits = true;
        for (Map.Entry<PolicyKey, PolicyEntry> e : ordered) {
            fits &= put(map, e.getKey(), e.getValue());
        }
        return fits;
    }

    /**
     * Makes the map hold the head of the endpoint's policy in fill order, as much as fits: removes whatever
     * else it holds (allows that sort later, stale entries), then writes what is missing; and reports the rest.
     */
    private void settle(int endpoint, PolicyMap map) {
        List<Map.Entry<PolicyKey, PolicyEntry>> ordered = new ArrayList<>(desired.apply(endpoint).entrySet());
        ordered.sort(FILL_ORDER);
        List<Map.Entry<PolicyKey, PolicyEntry>> fit = ordered.subList(0, Math.min(ordered.size(), map.maxEntries()));
        Map<PolicyKey, PolicyEntry> wanted = new HashMap<>();
        fit.forEach(e -> wanted.put(e.getKey(), e.getValue()));
        Map<PolicyKey, PolicyEntry> held = new HashMap<>();
        for (Map.Entry<PolicyKey, PolicyEntry> e : map.entries()) {
            if (wanted.containsKey(e.getKey())) {
                held.put(e.getKey(), e.getValue());
            } else {
                map.remove(e.getKey());
            }
        }
        int installed = 0;
        for (Map.Entry<PolicyKey, PolicyEntry> e : fit) {
            if (e.getValue().equals(held.get(e.getKey())) || put(map, e.getKey(), e.getValue())) {
                installed++;
            } else {
                break;
            }
        }
        report(endpoint, ordered.size() - installed, installed < ordered.size() ? ordered.get(installed) : null);
    }

    private void report(int endpoint, int missing, Map.Entry<PolicyKey, PolicyEntry> firstLeftOut) {
        Integer before = overflow.get(endpoint);
        if (missing > 0) {
            overflow.put(endpoint, missing);
            if (before == null || before != missing) {
                PolicyKey k = firstLeftOut.getKey();
                LOG.atWarn().addKeyValue("endpointID", endpoint).addKeyValue("notInstalled", missing)
                        .addKeyValue("maxEntries", maps.maxEntries())
                        .addKeyValue("firstNotInstalled", (firstLeftOut.getValue().deny() ? "deny " : "allow ")
                                + k.direction().title().toLowerCase(java.util.Locale.ROOT) + " identity "
                                + k.identity() + " " + k.portProtocol())
                        .log("Policy map full: entries left out, their traffic is dropped");
            }
        } else if (before != null) {
            overflow.remove(endpoint);
            LOG.atInfo().addKeyValue("endpointID", endpoint).log("Policy map fits again: every entry installed");
        }
    }

    /** Writes one entry; a deny that does not fit evicts an allow. False if the entry could not be written. */
    private static boolean put(PolicyMap map, PolicyKey key, PolicyEntry entry) {
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

    /** Removes the allow that sorts last, the first to go when the map is full. */
    private static boolean evictAllow(PolicyMap map) {
        return map.entries().stream().filter(e -> !e.getValue().deny()).map(Map.Entry::getKey)
                .max(Comparator.naturalOrder()).map(map::remove).orElse(false);
    }

    private static boolean isFull(NativeException e) {
        return e.errno() == Errno.ENOSPC || e.errno() == Errno.E2BIG;
    }
}
