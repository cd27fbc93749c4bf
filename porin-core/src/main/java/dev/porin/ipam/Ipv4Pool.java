// SPDX-License-Identifier: Apache-2.0
package dev.porin.ipam;

import dev.porin.net.Ipv4Prefix;

import java.net.Inet4Address;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The addresses of one pod CIDR and who holds them. The network address, the router (the first host
 * address: the pods' gateway) and the broadcast address are never handed out.
 *
 * <p>Allocation walks forward from the last address handed out, wrapping at the end, so a released
 * address is reused as late as possible: a new pod does not inherit the conntrack entries or the
 * lingering peers of the pod that had its address a moment ago.
 *
 * <p>Not thread-safe; the owner serializes access and persists {@link #snapshot()} after each change.
 */
public final class Ipv4Pool {

    /** What survives a restart: the pool, the cursor and every allocation. */
    public record Snapshot(Ipv4Prefix cidr, long cursor, Map<Inet4Address, String> allocations) {
        public Snapshot {
            allocations = Map.copyOf(allocations);
        }
    }

    private final Ipv4Prefix cidr;
    private final Map<Inet4Address, String> owners = new HashMap<>();
    private long cursor;

    public Ipv4Pool(Ipv4Prefix cidr) {
        if (cidr.length() > 30) {
            throw new IllegalArgumentException("pod CIDR " + cidr + " is too small: it needs room for a router and pods");
        }
        this.cidr = cidr;
        this.cursor = firstOffset();
    }

    /** Rebuilds a pool from a snapshot; fails if an allocation lies outside the CIDR. */
    public static Ipv4Pool restore(Snapshot snapshot) {
        Ipv4Pool pool = new Ipv4Pool(snapshot.cidr());
        snapshot.allocations().forEach((address, owner) -> {
            if (!pool.cidr.contains(address) || pool.isReserved(address)) {
                throw new IllegalArgumentException("allocation " + address.getHostAddress() + " (" + owner
                        + ") is not a pod address of " + pool.cidr);
            }
            pool.owners.put(address, owner);
        });
        long c = snapshot.cursor();
        pool.cursor = c >= pool.firstOffset() && c <= pool.lastOffset() ? c : pool.firstOffset();
        return pool;
    }

    public Ipv4Prefix cidr() {
        return cidr;
    }

    /** The pods' gateway: the first host address of the CIDR. */
    public Inet4Address router() {
        return cidr.addressAt(1);
    }

    /** Hands the next free address to {@code owner}; empty when the pool is exhausted. */
    public Optional<Inet4Address> allocate(String owner) {
        Objects.requireNonNull(owner, "owner");
        long span = lastOffset() - firstOffset() + 1;
        for (long i = 0; i < span; i++) {
            long offset = firstOffset() + Math.floorMod(cursor + i - firstOffset(), span);
            Inet4Address candidate = cidr.addressAt(offset);
            if (!owners.containsKey(candidate)) {
                owners.put(candidate, owner);
                cursor = offset + 1 > lastOffset() ? firstOffset() : offset + 1;
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Releases {@code address}; false if nobody held it. */
    public boolean release(Inet4Address address) {
        return owners.remove(address) != null;
    }

    public Optional<String> owner(Inet4Address address) {
        return Optional.ofNullable(owners.get(address));
    }

    public Map<Inet4Address, String> allocations() {
        return Collections.unmodifiableMap(owners);
    }

    public int allocated() {
        return owners.size();
    }

    /** Addresses pods can get in all: the CIDR minus network, router and broadcast. */
    public long capacity() {
        return lastOffset() - firstOffset() + 1;
    }

    public Snapshot snapshot() {
        return new Snapshot(cidr, cursor, owners);
    }

    private boolean isReserved(Inet4Address address) {
        long offset = Integer.toUnsignedLong(Ipv4Prefix.toInt(address) - cidr.network());
        return offset < firstOffset() || offset > lastOffset();
    }

    private long firstOffset() {
        return 2;
    }

    private long lastOffset() {
        return cidr.size() - 2;
    }
}
