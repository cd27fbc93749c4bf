// SPDX-License-Identifier: Apache-2.0
package dev.porin.ipam;

import dev.porin.net.Ipv4Prefix;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Ipv4PoolTest {

    private static Inet4Address ip(String s) {
        return Ipv4Prefix.parseAddress(s);
    }

    @Test
    void neverHandsOutNetworkRouterOrBroadcast() {
        Ipv4Pool pool = new Ipv4Pool(Ipv4Prefix.parse("10.200.0.0/29"));
        Set<Inet4Address> got = new HashSet<>();
        pool.allocate("a").ifPresent(got::add);
        pool.allocate("b").ifPresent(got::add);
        pool.allocate("c").ifPresent(got::add);
        pool.allocate("d").ifPresent(got::add);
        pool.allocate("e").ifPresent(got::add);

        assertThat(pool.router()).isEqualTo(ip("10.200.0.1"));
        assertThat(got).containsExactlyInAnyOrder(ip("10.200.0.2"), ip("10.200.0.3"), ip("10.200.0.4"),
                ip("10.200.0.5"), ip("10.200.0.6"));
        assertThat(pool.capacity()).isEqualTo(5);
    }

    @Test
    void reportsExhaustionInsteadOfReusing() {
        Ipv4Pool pool = new Ipv4Pool(Ipv4Prefix.parse("10.200.0.0/30"));
        assertThat(pool.allocate("a")).contains(ip("10.200.0.2"));
        assertThat(pool.allocate("b")).isEmpty();
        assertThat(pool.owner(ip("10.200.0.2"))).contains("a");
    }

    @Test
    void reusesReleasedAddressesOnlyAfterWrappingAround() {
        Ipv4Pool pool = new Ipv4Pool(Ipv4Prefix.parse("10.200.0.0/29"));
        Inet4Address first = pool.allocate("a").orElseThrow();
        pool.release(first);
        assertThat(pool.allocate("b")).contains(ip("10.200.0.3"));
        assertThat(pool.allocate("c")).contains(ip("10.200.0.4"));
        assertThat(pool.allocate("d")).contains(ip("10.200.0.5"));
        assertThat(pool.allocate("e")).contains(ip("10.200.0.6"));
        assertThat(pool.allocate("f")).contains(first);
    }

    @Test
    void restoredPoolKeepsAllocationsAndCursor() {
        Ipv4Pool pool = new Ipv4Pool(Ipv4Prefix.parse("10.200.0.0/24"));
        pool.allocate("a");
        pool.allocate("b");
        Ipv4Pool restored = Ipv4Pool.restore(pool.snapshot());

        assertThat(restored.allocations()).isEqualTo(pool.allocations());
        Inet4Address next = restored.allocate("c").orElseThrow();
        assertThat(next).isEqualTo(ip("10.200.0.4"));
        assertThat(pool.allocations()).doesNotContainKey(next);
    }

    @Test
    void restoreRefusesAddressesOutsideThePool() {
        var snapshot = new Ipv4Pool.Snapshot(Ipv4Prefix.parse("10.200.0.0/24"), 2, Map.of(ip("10.201.0.9"), "x"));
        assertThatThrownBy(() -> Ipv4Pool.restore(snapshot)).hasMessageContaining("10.201.0.9");
        var router = new Ipv4Pool.Snapshot(Ipv4Prefix.parse("10.200.0.0/24"), 2, Map.of(ip("10.200.0.1"), "x"));
        assertThatThrownBy(() -> Ipv4Pool.restore(router)).hasMessageContaining("10.200.0.1");
    }

    @Test
    void refusesPoolsWithoutRoomForPods() {
        assertThatThrownBy(() -> new Ipv4Pool(Ipv4Prefix.parse("10.200.0.0/31"))).hasMessageContaining("too small");
    }
}
