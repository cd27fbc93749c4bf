// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.state;

import dev.porin.ipam.Ipv4Pool;
import dev.porin.net.Ipv4Prefix;

import java.net.Inet4Address;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Node IPAM with its state on disk. Every change is persisted before it is reported, so an address handed
 * to a pod is recorded before the pod can use it, and a restarted agent never hands it out again.
 */
public final class IpamStore {

    /** On-disk form of {@link Ipv4Pool.Snapshot}. */
    record State(String cidr, long cursor, Map<String, String> allocations) {
    }

    private final Path file;
    private final Ipv4Pool pool;

    private IpamStore(Path file, Ipv4Pool pool) {
        this.file = file;
        this.pool = pool;
    }

    /**
     * Opens the pool persisted in {@code file}, or a fresh one for {@code cidr}. A persisted pool for another
     * CIDR is refused: pods holding its addresses would otherwise be forgotten.
     */
    public static IpamStore open(Path file, Ipv4Prefix cidr) {
        Optional<State> saved = StateFiles.read(file, State.class);
        if (saved.isEmpty()) {
            IpamStore store = new IpamStore(file, new Ipv4Pool(cidr));
            store.save();
            return store;
        }
        State s = saved.get();
        Ipv4Prefix savedCidr = Ipv4Prefix.parse(s.cidr());
        if (!savedCidr.equals(cidr)) {
            throw new IllegalStateException("pod-cidr: " + cidr + " differs from " + savedCidr + " recorded in " + file
                    + "; remove the pods of this node (or the file, if none are left) before changing it");
        }
        Map<Inet4Address, String> allocations = new LinkedHashMap<>();
        s.allocations().forEach((ip, owner) -> allocations.put(Ipv4Prefix.parseAddress(ip), owner));
        return new IpamStore(file, Ipv4Pool.restore(new Ipv4Pool.Snapshot(savedCidr, s.cursor(), allocations)));
    }

    public synchronized Optional<Inet4Address> allocate(String owner) {
        Optional<Inet4Address> ip = pool.allocate(owner);
        if (ip.isPresent()) {
            save();
        }
        return ip;
    }

    public synchronized boolean release(Inet4Address address) {
        boolean released = pool.release(address);
        if (released) {
            save();
        }
        return released;
    }

    public synchronized Map<Inet4Address, String> allocations() {
        return Map.copyOf(pool.allocations());
    }

    public synchronized int allocated() {
        return pool.allocated();
    }

    public long capacity() {
        return pool.capacity();
    }

    public Ipv4Prefix cidr() {
        return pool.cidr();
    }

    public Inet4Address router() {
        return pool.router();
    }

    private void save() {
        Ipv4Pool.Snapshot snap = pool.snapshot();
        Map<String, String> allocations = new TreeMap<>();
        snap.allocations().forEach((ip, owner) -> allocations.put(ip.getHostAddress(), owner));
        StateFiles.write(file, new State(snap.cidr().toString(), snap.cursor(), allocations));
    }
}
