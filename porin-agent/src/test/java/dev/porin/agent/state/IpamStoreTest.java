// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.state;

import dev.porin.net.Ipv4Prefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpamStoreTest {

    private static final Ipv4Prefix CIDR = Ipv4Prefix.parse("10.200.0.0/29");

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("ipam.json");
    }

    @Test
    void guardsTheCidrEvenBeforeTheFirstAllocation() {
        IpamStore.open(file(), CIDR);

        assertThat(file()).exists();
        assertThatThrownBy(() -> IpamStore.open(file(), Ipv4Prefix.parse("10.201.0.0/16")))
                .hasMessageContaining("pod-cidr");
    }

    @Test
    void persistsEveryAllocationBeforeReturningIt() {
        IpamStore store = IpamStore.open(file(), CIDR);

        Inet4Address a = store.allocate("c1/eth0").orElseThrow();

        assertThat(IpamStore.open(file(), CIDR).allocations()).containsExactlyEntriesOf(Map.of(a, "c1/eth0"));
    }

    @Test
    void persistsEveryRelease() {
        IpamStore store = IpamStore.open(file(), CIDR);
        Inet4Address a = store.allocate("c1/eth0").orElseThrow();

        assertThat(store.release(a)).isTrue();

        assertThat(IpamStore.open(file(), CIDR).allocations()).isEmpty();
    }

    @Test
    void reopenedStoreKeepsAllocationsAndNeverHandsThemOutAgain() {
        IpamStore first = IpamStore.open(file(), CIDR);
        Inet4Address a = first.allocate("c1/eth0").orElseThrow();
        Inet4Address b = first.allocate("c2/eth0").orElseThrow();

        IpamStore reopened = IpamStore.open(file(), CIDR);
        List<Inet4Address> handedOut = new ArrayList<>();
        reopened.allocate("next").ifPresent(handedOut::add);
        reopened.allocate("next").ifPresent(handedOut::add);
        reopened.allocate("next").ifPresent(handedOut::add);
        reopened.allocate("next").ifPresent(handedOut::add);

        assertThat(reopened.allocations()).containsEntry(a, "c1/eth0").containsEntry(b, "c2/eth0");
        assertThat(handedOut).hasSize(3).doesNotContain(a, b);
        assertThat(reopened.allocated()).isEqualTo(reopened.capacity());
    }

    @Test
    void reopenedStoreDoesNotReuseARecentlyReleasedAddressFirst() {
        IpamStore first = IpamStore.open(file(), CIDR);
        Inet4Address a = first.allocate("c1/eth0").orElseThrow();
        first.release(a);

        Inet4Address next = IpamStore.open(file(), CIDR).allocate("c2/eth0").orElseThrow();

        assertThat(next).isNotEqualTo(a);
    }

    @Test
    void refusesToReopenWithAnotherCidr() {
        IpamStore.open(file(), CIDR).allocate("c1/eth0");

        assertThatThrownBy(() -> IpamStore.open(file(), Ipv4Prefix.parse("10.200.0.0/24")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("pod-cidr:")
                .hasMessageContaining("10.200.0.0/24")
                .hasMessageContaining("10.200.0.0/29");
    }

    @Test
    void refusesACorruptFileNamingIt() throws Exception {
        Files.writeString(file(), "{\"cidr\": \"10.200.0.0/29\", \"allocations\": ");

        assertThatThrownBy(() -> IpamStore.open(file(), CIDR)).hasMessageContaining(file().toString());
    }

    @Test
    void replacesTheFileAtomicallyLeavingNoTemporaryFile() throws Exception {
        // A temporary file of a write cut short by a crash is neither read nor left lying around.
        Files.writeString(dir.resolve("ipam.json.tmp"), "{\"cidr\": \"10.9");
        IpamStore store = IpamStore.open(file(), CIDR);
        for (int i = 0; i < 3; i++) {
            store.allocate("c" + i + "/eth0");
        }

        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("ipam.json");
        }
        assertThat(IpamStore.open(file(), CIDR).allocated()).isEqualTo(3);
    }
}
