// SPDX-License-Identifier: Apache-2.0
package dev.porin.endpoint;

import dev.porin.agent.state.IpamStore;
import dev.porin.datapath.maps.CtMap;
import dev.porin.datapath.maps.EndpointMap;
import dev.porin.datapath.maps.EndpointStatsMap;
import dev.porin.net.MacAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creates, lists and deletes endpoints, keeping four things in step: the kernel plumbing, the datapath
 * maps, the IPAM allocation and the endpoint's state file. Changes are serialized; reads are not.
 *
 * <p>Ordering rules: an address is persisted as allocated before anything uses it; an endpoint is
 * persisted only once it is fully plumbed; a failed creation undoes every step it took.
 */
public final class EndpointManager {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointManager.class);
    /** Endpoint IDs are what the datapath can count for; 0 means none. */
    private static final int MAX_ID = EndpointMap.MAX_ENDPOINT_ID;

    private final EndpointStore store;
    private final IpamStore ipam;
    private final PodNetwork network;
    private final EndpointMap endpointMap;
    private final EndpointStatsMap statsMap;
    private final CtMap ctMap;
    private final int mtu;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private volatile EndpointObserver observer = EndpointObserver.NONE;
    private final Map<Integer, Endpoint> endpoints = new ConcurrentHashMap<>();
    private int nextId = 1;

    public EndpointManager(EndpointStore store, IpamStore ipam, PodNetwork network, EndpointMap endpointMap,
                           EndpointStatsMap statsMap, CtMap ctMap, int mtu, Clock clock) {
        this.store = store;
        this.ipam = ipam;
        this.network = network;
        this.endpointMap = endpointMap;
        this.statsMap = statsMap;
        this.ctMap = ctMap;
        this.mtu = mtu;
        this.clock = clock;
    }

    /** Installs the policy layer; must happen before {@link #restore()}. */
    public void observer(EndpointObserver observer) {
        this.observer = observer;
    }

    /** The host-side name of an attachment's veth: stable, so that even a lost endpoint can be cleaned up. */
    public static String hostIfname(String containerId, String ifname) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((containerId + "/" + ifname).getBytes(StandardCharsets.UTF_8));
            return "lxc" + HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    public synchronized Endpoint create(EndpointRequest req) {
        Optional<Endpoint> existing = find(req.containerId(), req.ifname());
        if (existing.isPresent()) {
            throw new EndpointException(EndpointException.Kind.ALREADY_EXISTS, "container " + req.containerId()
                    + " already has interface " + req.ifname() + " (endpoint " + existing.get().id()
                    + "); delete it first");
        }
        int id = allocateId();
        Inet4Address ip = ipam.allocate(Endpoint.ipamOwner(req.containerId(), req.ifname()))
                .orElseThrow(() -> new EndpointException(EndpointException.Kind.POOL_EXHAUSTED,
                        "no free address left in pod CIDR " + ipam.cidr() + " (" + ipam.allocated() + " of "
                                + ipam.capacity() + " in use)"));
        String hostIfname = hostIfname(req.containerId(), req.ifname());
        MacAddress podMac = MacAddress.randomLocal(random);
        MacAddress hostMac = MacAddress.randomLocal(random);
        PodNetwork.HostLink link = null;
        try {
            link = network.plumb(new PodNetwork.PodSpec(req.netns(), req.ifname(), hostIfname, ip, ipam.router(),
                    podMac, hostMac, mtu));
            Endpoint ep = new Endpoint(id, req.containerId(), req.ifname(), req.netns(), req.network(),
                    req.podNamespace(), req.podName(), req.labels(), ip, hostIfname, link.ifindex(), hostMac, podMac,
                    EndpointState.READY, clock.instant(), 0, Map.of(), List.of(), false);
            statsMap.reset(id);
            endpoints.put(id, ep);
            EndpointObserver.DatapathState state = observer.added(ep);
            ep = ep.withIdentity(state.identity());
            endpoints.put(id, ep);
            endpointMap.upsert(ip, datapathInfo(ep, state.flags()));
            store.save(ep);
            LOG.atInfo().addKeyValue("endpointID", id).addKeyValue("containerID", req.containerId())
                    .addKeyValue("ipv4", ip.getHostAddress()).addKeyValue("interface", hostIfname)
                    .log("Endpoint created");
            return ep;
        } catch (RuntimeException e) {
            Endpoint half = endpoints.remove(id);
            if (half != null) {
                observer.removed(half);
            }
            if (link != null) {
                network.unplumb(hostIfname);
            }
            endpointMap.remove(ip);
            statsMap.remove(id);
            ipam.release(ip);
            throw e instanceof EndpointException ee ? ee
                    : new EndpointException(EndpointException.Kind.KERNEL, e.getMessage(), e);
        }
    }

    /**
     * Deletes the endpoint of an attachment and everything it holds. Deleting one that does not exist
     * succeeds, after making sure its veth and its address are gone too: an ADD cut short by a dying agent
     * leaves both behind without an endpoint.
     */
    public synchronized Optional<Endpoint> delete(String containerId, String ifname) {
        Optional<Endpoint> ep = find(containerId, ifname);
        if (ep.isEmpty()) {
            network.unplumb(hostIfname(containerId, ifname));
            String owner = Endpoint.ipamOwner(containerId, ifname);
            ipam.allocations().forEach((address, holder) -> {
                if (holder.equals(owner)) {
                    ipam.release(address);
                }
            });
            return Optional.empty();
        }
        remove(ep.get());
        return ep;
    }

    private void remove(Endpoint ep) {
        endpoints.put(ep.id(), ep.withState(EndpointState.DISCONNECTING));
        network.unplumb(ep.hostIfname());
        endpointMap.remove(ep.ipv4());
        observer.removed(ep);
        statsMap.remove(ep.id());
        ctMap.flush(ep.ipv4());
        ipam.release(ep.ipv4());
        store.delete(ep.id());
        endpoints.remove(ep.id());
        LOG.atInfo().addKeyValue("endpointID", ep.id()).addKeyValue("containerID", ep.containerId())
                .log("Endpoint deleted");
    }

    /**
     * Removes the endpoints of {@code network} whose attachment is not in {@code valid} (CNI GC), and
     * returns them.
     */
    public synchronized List<Endpoint> garbageCollect(String networkName, Set<Attachment> valid) {
        List<Endpoint> stale = endpoints.values().stream()
                .filter(ep -> ep.network().equals(networkName))
                .filter(ep -> !valid.contains(new Attachment(ep.containerId(), ep.ifname())))
                .toList();
        stale.forEach(this::remove);
        return stale;
    }

    /** A CNI attachment: container and interface. */
    public record Attachment(String containerId, String ifname) {
    }

    /**
     * Takes over the endpoints of a previous run. An endpoint whose veth still exists gets the fresh
     * programs swapped in atomically and its map entries rewritten with the same values, so its traffic
     * never stops; one whose veth is gone (the pod went away meanwhile) is cleaned up. Map entries no
     * endpoint owns are removed.
     */
    public synchronized void restore() {
        for (Endpoint saved : store.loadAll()) {
            Optional<PodNetwork.HostLink> link = network.hostLink(saved.hostIfname())
                    .filter(l -> l.ifindex() == saved.hostIfindex());
            if (link.isEmpty()) {
                LOG.atInfo().addKeyValue("endpointID", saved.id()).addKeyValue("containerID", saved.containerId())
                        .log("Endpoint's interface is gone; cleaning up");
                endpointMap.remove(saved.ipv4());
                statsMap.remove(saved.id());
                ctMap.flush(saved.ipv4());
                ipam.release(saved.ipv4());
                store.delete(saved.id());
                continue;
            }
            Endpoint ep = saved.withState(EndpointState.RESTORING);
            endpoints.put(ep.id(), ep);
            EndpointObserver.DatapathState state = observer.added(ep);
            ep = ep.withIdentity(state.identity());
            endpoints.put(ep.id(), ep);
            endpointMap.upsert(ep.ipv4(), datapathInfo(ep, state.flags()));
            network.restore(link.get(), ep.ipv4(), ipam.router());
            if (statsMap.get(ep.id()).isEmpty()) {
                statsMap.reset(ep.id());
            }
            Endpoint ready = ep.withState(EndpointState.READY);
            endpoints.put(ready.id(), ready);
            store.save(ready);
        }
        removeUnownedMapEntries();
        releaseUnownedAddresses();
        nextId = endpoints.keySet().stream().max(Integer::compare).map(i -> i % MAX_ID + 1).orElse(1);
        LOG.atInfo().addKeyValue("endpoints", endpoints.size()).log("Restored endpoints");
    }

    /** An agent that died in the middle of an ADD leaves an allocation without endpoint; nothing else can. */
    private void releaseUnownedAddresses() {
        Set<String> owners = new HashSet<>();
        endpoints.values().forEach(ep -> owners.add(ep.ipamOwner()));
        ipam.allocations().forEach((ip, owner) -> {
            if (!owners.contains(owner)) {
                LOG.atInfo().addKeyValue("ipv4", ip.getHostAddress()).addKeyValue("owner", owner)
                        .log("Releasing an address no endpoint holds");
                ipam.release(ip);
            }
        });
    }

    private void removeUnownedMapEntries() {
        Set<Inet4Address> addresses = new HashSet<>();
        Set<Integer> ids = new HashSet<>();
        endpoints.values().forEach(ep -> {
            addresses.add(ep.ipv4());
            ids.add(ep.id());
        });
        for (var e : endpointMap.entries()) {
            if (!addresses.contains(e.getKey().address())) {
                endpointMap.remove(e.getKey().address());
            }
        }
        for (var e : statsMap.kv().entries()) {
            if (!ids.contains(e.getKey())) {
                statsMap.remove(e.getKey());
            }
        }
    }

    public Optional<Endpoint> get(int id) {
        return Optional.ofNullable(endpoints.get(id));
    }

    public Optional<Endpoint> find(String containerId, String ifname) {
        return endpoints.values().stream()
                .filter(ep -> ep.containerId().equals(containerId) && ep.ifname().equals(ifname))
                .findFirst();
    }

    public List<Endpoint> list() {
        List<Endpoint> all = new ArrayList<>(endpoints.values());
        all.sort(Comparator.comparingInt(Endpoint::id));
        return all;
    }

    public Optional<EndpointStatsMap.Stats> stats(int id) {
        return statsMap.get(id);
    }

    /** Checks an endpoint against the kernel: its veth and programs, and its interface inside the pod. */
    public List<String> verify(Endpoint ep) {
        List<String> problems = new ArrayList<>();
        Optional<PodNetwork.HostLink> link = network.hostLink(ep.hostIfname());
        if (link.isEmpty() || link.get().ifindex() != ep.hostIfindex()) {
            problems.add("host interface " + ep.hostIfname() + " is missing");
        } else if (!link.get().attached()) {
            problems.add("the datapath programs are not attached to " + ep.hostIfname());
        }
        if (endpointMap.get(ep.ipv4()).isEmpty()) {
            problems.add("the datapath does not know " + ep.ipv4().getHostAddress());
        }
        Optional<PodNetwork.PodInterface> pod = network.inspect(ep.netns(), ep.ifname());
        if (pod.isEmpty()) {
            problems.add("interface " + ep.ifname() + " is missing in " + ep.netns());
        } else {
            if (!pod.get().addresses().contains(ep.ipv4().getHostAddress() + "/32")) {
                problems.add(ep.ifname() + " does not have address " + ep.ipv4().getHostAddress() + "/32");
            }
            if (!ipam.router().equals(pod.get().defaultGateway())) {
                problems.add(ep.ifname() + " has no default route via " + ipam.router().getHostAddress());
            }
            if (!pod.get().up()) {
                problems.add(ep.ifname() + " is down");
            }
        }
        return problems;
    }

    private static EndpointMap.Info datapathInfo(Endpoint ep, int flags) {
        return new EndpointMap.Info(ep.hostIfindex(), ep.id(), flags, ep.podMac(), ep.hostMac(), ep.identity());
    }

    /**
     * Gives an endpoint a new identity and enforcement flags in the datapath (policy or labels changed).
     * An endpoint that went away meanwhile is left alone.
     */
    public synchronized void updateDatapath(int id, EndpointObserver.DatapathState state) {
        Endpoint ep = endpoints.get(id);
        if (ep == null || ep.state() == EndpointState.DISCONNECTING) {
            return;
        }
        Endpoint updated = ep.withIdentity(state.identity());
        endpointMap.upsert(updated.ipv4(), datapathInfo(updated, state.flags()));
        if (updated.identity() != ep.identity()) {
            endpoints.put(id, updated);
            store.save(updated);
        }
    }

    /** Records label changes made with {@code porin endpoint labels}; returns the updated endpoint. */
    public synchronized Endpoint changeLabels(int id, Map<String, String> add, List<String> delete) {
        Endpoint ep = get(id).orElseThrow(() -> new java.util.NoSuchElementException("endpoint " + id));
        Map<String, String> added = new java.util.TreeMap<>(ep.addedLabels());
        java.util.Set<String> removed = new java.util.TreeSet<>(ep.removedLabels());
        delete.forEach(k -> {
            added.remove(k);
            removed.add(k);
        });
        add.forEach((k, v) -> {
            removed.remove(k);
            added.put(k, v);
        });
        Endpoint updated = ep.withLabelChanges(added, List.copyOf(removed));
        endpoints.put(id, updated);
        store.save(updated);
        return updated;
    }

    /** Turns policy audit mode on or off for one endpoint; returns the updated endpoint. */
    public synchronized Endpoint auditMode(int id, boolean audit) {
        Endpoint ep = get(id).orElseThrow(() -> new java.util.NoSuchElementException("endpoint " + id));
        Endpoint updated = ep.withAuditMode(audit);
        endpoints.put(id, updated);
        store.save(updated);
        return updated;
    }

    private int allocateId() {
        for (int i = 0; i < MAX_ID; i++) {
            int candidate = (nextId - 1 + i) % MAX_ID + 1;
            if (!endpoints.containsKey(candidate)) {
                nextId = candidate % MAX_ID + 1;
                return candidate;
            }
        }
        throw new EndpointException(EndpointException.Kind.IDS_EXHAUSTED, "all " + MAX_ID + " endpoint IDs are in use");
    }
}
