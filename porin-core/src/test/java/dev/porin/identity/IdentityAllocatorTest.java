// SPDX-License-Identifier: Apache-2.0
package dev.porin.identity;

import dev.porin.labels.Label;
import dev.porin.labels.Labels;
import dev.porin.net.Ipv4Prefix;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentityAllocatorTest {

    private static Labels pod(String app) {
        return SecurityLabels.forPod("prod", Map.of("app", app), Map.of(), "default");
    }

    @Test
    void reservedIdentitiesExistFromTheStartWithCiliumNumbers() {
        IdentityAllocator a = new IdentityAllocator();
        assertThat(a.get(1)).get().extracting(i -> i.labels().strings()).isEqualTo(List.of("reserved:host"));
        assertThat(a.get(2)).get().extracting(i -> i.labels().strings()).isEqualTo(List.of("reserved:world"));
        assertThat(a.get(5)).get().extracting(i -> i.labels().strings()).isEqualTo(List.of("reserved:init"));
        assertThat(a.get(6)).get().extracting(i -> i.labels().strings()).isEqualTo(List.of("reserved:remote-node"));
        assertThat(a.get(7)).get().extracting(i -> i.labels().strings())
                .isEqualTo(List.of("reserved:kube-apiserver", "reserved:remote-node"));
        assertThat(a.find(Labels.of(Label.reserved("health")))).get().extracting(Identity::id).isEqualTo(4);
        assertThat(a.clusterIdentities()).isZero();
    }

    @Test
    void acquiringReservedLabelsReturnsTheReservedIdentityAndReleaseIsANoOp() {
        IdentityAllocator a = new IdentityAllocator();
        Identity host = a.acquire(Labels.of(Label.reserved("host")));
        assertThat(host.id()).isEqualTo(Identity.HOST);
        assertThat(a.release(host)).isFalse();
        assertThat(a.release(host)).isFalse();
        assertThat(a.get(Identity.HOST)).isPresent();
    }

    @Test
    void sameLabelsGetTheSameNumberStartingAt256() {
        IdentityAllocator a = new IdentityAllocator();
        Identity web = a.acquire(pod("web"));
        Identity db = a.acquire(pod("db"));
        assertThat(web.id()).isEqualTo(256);
        assertThat(db.id()).isEqualTo(257);
        assertThat(a.acquire(pod("web"))).isEqualTo(web);
        assertThat(a.acquire(Labels.parse(pod("web").strings(), Label.SOURCE_UNSPEC)).id()).isEqualTo(256);
        assertThat(web.isReserved()).isFalse();
        assertThat(web.isCidr()).isFalse();
        assertThat(a.clusterIdentities()).isEqualTo(2);
    }

    @Test
    void anIdentityLivesUntilItsLastReferenceIsReleased() {
        IdentityAllocator a = new IdentityAllocator();
        Identity web = a.acquire(pod("web"));
        a.acquire(pod("web"));
        assertThat(a.release(web)).isFalse();
        assertThat(a.get(web.id())).contains(web);
        assertThat(a.release(web)).isTrue();
        assertThat(a.get(web.id())).isEmpty();
        assertThat(a.find(pod("web"))).isEmpty();
        assertThat(a.release(web)).as("releasing a forgotten identity").isFalse();
    }

    @Test
    void aReleasedNumberIsNotReusedUntilTheSpaceWraps() {
        IdentityAllocator a = new IdentityAllocator();
        Identity web = a.acquire(pod("web"));
        a.acquire(pod("db"));
        a.release(web);
        assertThat(a.acquire(pod("cache")).id()).isEqualTo(258);
        assertThat(a.acquire(pod("web")).id()).as("same labels come back with a new number").isEqualTo(259);
    }

    @Test
    void afterTheTopOfTheSpaceAllocationWrapsToTheLowestFreeNumber() {
        Map<Integer, List<String>> ids = new HashMap<>();
        ids.put(257, pod("a").strings());
        ids.put(65535, pod("top").strings());
        IdentityAllocator a = IdentityAllocator.restore(new IdentityAllocator.Snapshot(ids, 65534, 1));
        assertThat(a.acquire(pod("x")).id()).isEqualTo(65534);
        assertThat(a.acquire(pod("y")).id()).as("65535 is taken, wraps to 256").isEqualTo(256);
        assertThat(a.acquire(pod("z")).id()).as("257 is taken").isEqualTo(258);
    }

    @Test
    void cidrIdentitiesAreLocalScopeWithCidrAndWorldLabels() {
        IdentityAllocator a = new IdentityAllocator();
        Identity c = a.acquireCidr(Ipv4Prefix.parse("10.0.0.0/8"));
        assertThat(c.id()).isEqualTo(0x01000001);
        assertThat(c.isCidr()).isTrue();
        assertThat(c.isReserved()).isFalse();
        assertThat(c.labels().strings()).containsExactly("cidr:10.0.0.0/8", "reserved:world");
        assertThat(a.acquireCidr(Ipv4Prefix.parse("10.0.0.0/8"))).isEqualTo(c);
        assertThat(a.acquireCidr(Ipv4Prefix.parse("192.168.1.1/32")).id()).isEqualTo(0x01000002);
        assertThat(a.acquire(pod("web")).id()).as("CIDR identities do not use cluster numbers").isEqualTo(256);
        assertThat(a.clusterIdentities()).isEqualTo(1);
    }

    @Test
    void theWholeIpv4SpaceIsTheWorldIdentity() {
        IdentityAllocator a = new IdentityAllocator();
        Identity w = a.acquireCidr(Ipv4Prefix.parse("0.0.0.0/0"));
        assertThat(w.id()).isEqualTo(Identity.WORLD);
        assertThat(a.release(w)).isFalse();
        assertThat(a.get(Identity.WORLD)).isPresent();
    }

    @Test
    void cidrIdentitiesAreReferenceCountedToo() {
        IdentityAllocator a = new IdentityAllocator();
        Identity c = a.acquireCidr(Ipv4Prefix.parse("10.0.0.0/8"));
        a.acquireCidr(Ipv4Prefix.parse("10.0.0.0/8"));
        assertThat(a.release(c)).isFalse();
        assertThat(a.release(c)).isTrue();
        assertThat(a.acquireCidr(Ipv4Prefix.parse("10.0.0.0/8")).id()).isEqualTo(0x01000002);
    }

    @Test
    void snapshotAndRestoreKeepNumbersAndCursors() {
        IdentityAllocator a = new IdentityAllocator();
        Identity web = a.acquire(pod("web"));
        Identity db = a.acquire(pod("db"));
        Identity cidr = a.acquireCidr(Ipv4Prefix.parse("10.0.0.0/8"));
        a.release(a.acquire(pod("gone")));
        IdentityAllocator.Snapshot s = a.snapshot();
        assertThat(s.identities()).containsOnlyKeys(256, 257, 0x01000001);

        IdentityAllocator b = IdentityAllocator.restore(s);
        assertThat(b.acquire(pod("db"))).isEqualTo(db);
        assertThat(b.acquire(pod("web"))).isEqualTo(web);
        assertThat(b.acquireCidr(Ipv4Prefix.parse("10.0.0.0/8"))).isEqualTo(cidr);
        assertThat(b.acquire(pod("new")).id()).as("the cursor survives: 258 was used before").isEqualTo(259);
        assertThat(b.acquireCidr(Ipv4Prefix.parse("10.1.0.0/16")).id()).isEqualTo(0x01000002);
    }

    @Test
    void releaseUnreferencedForgetsRestoredIdentitiesNobodyAcquiredAgain() {
        IdentityAllocator a = new IdentityAllocator();
        Identity web = a.acquire(pod("web"));
        Identity db = a.acquire(pod("db"));
        IdentityAllocator b = IdentityAllocator.restore(a.snapshot());
        b.acquire(pod("web"));
        assertThat(b.releaseUnreferenced()).containsExactly(db);
        assertThat(b.get(db.id())).isEmpty();
        assertThat(b.get(web.id())).contains(web);
        assertThat(b.releaseUnreferenced()).isEmpty();
        assertThat(b.release(web)).isTrue();
    }

    @Test
    void restoredIdentitiesAreNotReferencedUntilAcquired() {
        IdentityAllocator a = new IdentityAllocator();
        Identity web = a.acquire(pod("web"));
        a.acquire(pod("web"));
        IdentityAllocator b = IdentityAllocator.restore(a.snapshot());
        b.acquire(pod("web"));
        assertThat(b.release(web)).as("one reference after restore, whatever there were before").isTrue();
    }

    @Test
    void exhaustionRaisesAndDoesNotHandOutANumber() {
        Map<Integer, List<String>> ids = new HashMap<>();
        for (int id = Identity.MIN_CLUSTER; id <= Identity.MAX_CLUSTER; id++) {
            if (id != 40000) {
                ids.put(id, List.of("k8s:n=" + id));
            }
        }
        IdentityAllocator a = IdentityAllocator.restore(new IdentityAllocator.Snapshot(ids, 65535, 1));
        assertThat(a.clusterIdentities()).isEqualTo(65279);
        assertThat(a.acquire(pod("last")).id()).isEqualTo(40000);
        assertThatThrownBy(() -> a.acquire(pod("one-too-many")))
                .isInstanceOf(IdentitySpaceExhaustedException.class)
                .hasMessageContaining("cluster");
        assertThat(a.find(pod("one-too-many"))).isEmpty();
        assertThat(a.acquire(pod("last")).id()).as("known labels still resolve").isEqualTo(40000);
        assertThat(a.acquireCidr(Ipv4Prefix.parse("10.0.0.0/8")).isCidr()).as("CIDR scope is separate").isTrue();
        Identity n300 = a.acquire(Labels.parse(List.of("k8s:n=300"), Label.SOURCE_UNSPEC));
        assertThat(n300.id()).isEqualTo(300);
        assertThat(a.release(n300)).isTrue();
        assertThat(a.acquire(pod("one-too-many")).id()).as("a freed number is usable again").isEqualTo(300);
    }
}
