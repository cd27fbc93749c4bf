// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.policy;

import dev.porin.agent.state.StateFiles;
import dev.porin.datapath.maps.EndpointMap;
import dev.porin.datapath.maps.IpCacheMap;
import dev.porin.datapath.maps.KvMap;
import dev.porin.datapath.maps.NodeConfigMap;
import dev.porin.datapath.maps.PolicyMap;
import dev.porin.endpoint.Endpoint;
import dev.porin.endpoint.EndpointRequest;
import dev.porin.identity.Identity;
import dev.porin.identity.IdentityAllocator;
import dev.porin.net.Ipv4Prefix;
import dev.porin.policy.PolicyEntry;
import dev.porin.policy.PolicyKey;
import dev.porin.testing.FakeNode;
import dev.porin.testing.MemoryKvMap;

import java.net.Inet4Address;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An agent's policy layer over fakes: {@link FakeNode}'s endpoint manager, and in-memory policy maps, IP
 * cache and node config. The maps and the state directory outlive {@link #restart()}, as pinned maps and
 * state files outlive an agent. Pods live in namespace {@code default} unless a test names another.
 */
final class PolicyNode {

    static final String CIDR = "10.200.0.0/24";
    static final Inet4Address ROUTER = Ipv4Prefix.parseAddress("10.200.0.1");

    private final Path stateDir;
    private final FakeNode node;
    private final MemoryPolicyMaps maps;
    private final List<Write> journal = new ArrayList<>();
    private final MemoryKvMap<IpCacheMap.Key, IpCacheMap.Value> ipcache =
            new MemoryKvMap<>(IpCacheMap.NAME, 65536);
    private final MemoryKvMap<Integer, NodeConfigMap.Value> config = new MemoryKvMap<>(NodeConfigMap.NAME, 1);
    private PolicyManager policy;

    private PolicyNode(Path stateDir, int policyMapMax, boolean releaseRestoredIdentities) {
        this.stateDir = stateDir;
        this.node = FakeNode.start(stateDir, CIDR);
        this.maps = new MemoryPolicyMaps(policyMapMax, journal);
        policy = open();
        node.endpoints().observer(policy);
        node.endpoints().restore();
        if (releaseRestoredIdentities) {
            policy.restored();
        }
    }

    /** A fresh node whose policy maps hold 1024 entries each. */
    static PolicyNode start(Path stateDir) {
        return new PolicyNode(stateDir, 1024, true);
    }

    /** A fresh node whose policy maps hold {@code policyMapMax} entries each ({@code --bpf-policy-map-max}). */
    static PolicyNode start(Path stateDir, int policyMapMax) {
        return new PolicyNode(stateDir, policyMapMax, true);
    }

    /**
     * A fresh node whose identity space has only the cluster numbers {@code free} left. Restoring a node
     * releases the numbers of {@code identities.json} that no endpoint takes again
     * ({@link PolicyManager#restored()}); this node skips that step, so they stay taken, as if endpoints held
     * them.
     */
    static PolicyNode withClusterIdentitiesTaken(Path stateDir, Set<Integer> free) {
        takeClusterIdentities(stateDir, free);
        return new PolicyNode(stateDir, 1024, false);
    }

    /** Writes an {@code identities.json} in which every cluster number but {@code free} is allocated. */
    static void takeClusterIdentities(Path stateDir, Set<Integer> free) {
        Map<Integer, List<String>> taken = new TreeMap<>();
        for (int id = Identity.MIN_CLUSTER; id <= Identity.MAX_CLUSTER; id++) {
            if (!free.contains(id)) {
                taken.put(id, List.of("k8s:filler=" + id));
            }
        }
        StateFiles.write(stateDir.resolve("identities.json"),
                new IdentityAllocator.Snapshot(taken, Identity.MIN_CLUSTER, 1));
    }

    /** A new agent over the same state directory and maps, having restored endpoints and policy. */
    PolicyNode restart() {
        node.reopen();
        policy = open();
        node.endpoints().observer(policy);
        node.endpoints().restore();
        policy.restored();
        return this;
    }

    private PolicyManager open() {
        PolicyManager p = new PolicyManager(node.endpoints(), stateDir, maps,
                new IpCacheMap(new Journaled<>(ipcache, journal)), new NodeConfigMap(config), Set.of(ROUTER), false);
        p.start();
        return p;
    }

    // ---- acting

    /** CNI ADD of pod {@code default/name} with {@code labels}. */
    Endpoint add(String name, Map<String, String> labels) {
        return add("default", name, labels);
    }

    Endpoint add(String namespace, String name, Map<String, String> labels) {
        return node.endpoints().create(new EndpointRequest(name, "eth0", FakeNode.netns(name), FakeNode.NETWORK,
                namespace, name, labels));
    }

    /** CNI DEL. */
    void remove(Endpoint ep) {
        node.endpoints().delete(ep.containerId(), ep.ifname());
    }

    List<AppliedObject> apply(String yaml) {
        return policy.apply(yaml, "test.yaml").objects();
    }

    List<AppliedObject> delete(String yaml) {
        return policy.delete(yaml, "test.yaml").objects();
    }

    PolicyManager policy() {
        return policy;
    }

    FakeNode node() {
        return node;
    }

    /** The endpoint as the endpoint manager has it now. */
    Endpoint endpoint(Endpoint ep) {
        return node.endpoints().get(ep.id()).orElseThrow();
    }

    // ---- the "kernel"

    /** What the endpoint's policy map holds, in key order; empty if it has no map. */
    Map<PolicyKey, PolicyEntry> policyMap(Endpoint ep) {
        return maps.contents(ep.id());
    }

    /** How many updates and deletes the endpoint's policy map has seen, ever. */
    int policyMapWrites(Endpoint ep) {
        String name = MemoryPolicyMaps.name(ep.id());
        return (int) journal.stream().filter(w -> w.map().equals(name)).count();
    }

    /** Every update and delete of the policy maps and the IP cache so far, in order. */
    List<Write> journal() {
        return List.copyOf(journal);
    }

    /** One update ({@code value} set) or delete ({@code value} null) of map {@code map}. */
    record Write(String map, Object key, Object value) {
    }

    boolean hasPolicyMap(Endpoint ep) {
        return maps.endpoints().contains(ep.id());
    }

    Set<Integer> policyMaps() {
        return maps.endpoints();
    }

    /** The identity the IP cache gives {@code address}/32. */
    Optional<Integer> ipcache(Inet4Address address) {
        return ipcache.get(new IpCacheMap.Key(Ipv4Prefix.of(address, 32))).map(IpCacheMap.Value::identity);
    }

    /** The identity the IP cache gives {@code prefix}. */
    Optional<Integer> ipcache(String prefix) {
        return ipcache.get(new IpCacheMap.Key(Ipv4Prefix.parse(prefix))).map(IpCacheMap.Value::identity);
    }

    Set<Ipv4Prefix> ipcachePrefixes() {
        Set<Ipv4Prefix> out = new TreeSet<>(java.util.Comparator.comparing(Ipv4Prefix::toString));
        ipcache.keys().forEach(k -> out.add(k.prefix()));
        return out;
    }

    /** The endpoint's entry in the endpoint map: identity and enforcement flags. */
    EndpointMap.Info lxc(Endpoint ep) {
        return node.endpointMap().get(new EndpointMap.Key(ep.ipv4())).orElseThrow();
    }

    /** The policy revision the datapath holds. */
    long revision() {
        return Integer.toUnsignedLong(new NodeConfigMap(config).policyRevision());
    }

    /** Per-endpoint policy maps in memory, each refusing a new key once full, as an LPM trie does. */
    private static final class MemoryPolicyMaps implements PolicyMapStore {

        private final int maxEntries;
        private final Map<Integer, MemoryKvMap<PolicyKey, PolicyMap.Value>> maps = new TreeMap<>();

        private final List<Write> journal;

        MemoryPolicyMaps(int maxEntries, List<Write> journal) {
            this.maxEntries = maxEntries;
            this.journal = journal;
        }

        static String name(int endpoint) {
            return String.format("porin_pol_%05d", endpoint);
        }

        @Override
        public PolicyMap forEndpoint(int endpoint) {
            MemoryKvMap<PolicyKey, PolicyMap.Value> map = maps.computeIfAbsent(endpoint,
                    e -> MemoryKvMap.lpmTrie(name(e), maxEntries));
            return new PolicyMap(new Journaled<>(map, journal));
        }


        @Override
        public void remove(int endpoint) {
            maps.remove(endpoint);
        }

        @Override
        public Set<Integer> endpoints() {
            return Set.copyOf(maps.keySet());
        }

        @Override
        public int maxEntries() {
            return maxEntries;
        }

        Map<PolicyKey, PolicyEntry> contents(int endpoint) {
            Map<PolicyKey, PolicyEntry> out = new TreeMap<>();
            MemoryKvMap<PolicyKey, PolicyMap.Value> m = maps.get(endpoint);
            if (m != null) {
                new PolicyMap(m).entries().forEach(e -> out.put(e.getKey(), e.getValue()));
            }
            return out;
        }
    }

    /** A map that records its updates and deletes in a journal shared by all the node's maps. */
    private record Journaled<K, V>(KvMap<K, V> map, List<Write> journal) implements KvMap<K, V> {

        @Override
        public String name() {
            return map.name();
        }

        @Override
        public int maxEntries() {
            return map.maxEntries();
        }

        @Override
        public Optional<V> get(K key) {
            return map.get(key);
        }

        @Override
        public void put(K key, V value) {
            map.put(key, value);
            journal.add(new Write(map.name(), key, value));
        }

        @Override
        public boolean remove(K key) {
            boolean removed = map.remove(key);
            if (removed) {
                journal.add(new Write(map.name(), key, null));
            }
            return removed;
        }

        @Override
        public List<Map.Entry<K, V>> entries() {
            return map.entries();
        }

        @Override
        public int count() {
            return map.count();
        }
    }
}
