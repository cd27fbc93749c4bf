// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netns;

import dev.porin.datapath.netlink.Link;
import dev.porin.datapath.netlink.RtNetlink;
import dev.porin.datapath.netlink.VethSpec;
import dev.porin.datapath.sys.Errno;
import dev.porin.datapath.sys.NativeException;
import dev.porin.datapath.testing.NetFixture;
import dev.porin.datapath.testing.Privileges;
import dev.porin.net.MacAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetNsIT {

    private static final Path THREAD_NET_DEV = Path.of("/proc/thread-self/net/dev");

    private final NetFixture fixture = new NetFixture();

    @BeforeAll
    static void requireRoot() throws Exception {
        Privileges.requireRoot();
    }

    @AfterEach
    void cleanUp() {
        fixture.close();
    }

    @Test
    void theTaskRunsInsideTheNamespaceAndTheCallerStaysOutside() throws Exception {
        Path pod = fixture.netns();
        String hostSide = fixture.hostLinkName();
        try (RtNetlink host = RtNetlink.open(); NetNs.Handle podNs = NetNs.open(pod)) {
            host.createVethPair(new VethSpec(hostSide, MacAddress.parse("02:50:00:00:02:01"), "eth0",
                    MacAddress.parse("02:50:00:00:02:02"), podNs.fd(), 1500));
        }

        String devices = NetNs.call(pod, () -> Files.readString(THREAD_NET_DEV));
        List<String> links = NetNs.call(pod, () -> {
            try (RtNetlink nl = RtNetlink.open()) {
                return nl.links().stream().map(Link::name).toList();
            }
        });

        assertThat(devices).contains("lo:", "eth0:").doesNotContain(hostSide);
        assertThat(links).containsExactly("lo", "eth0");
        assertThat(Files.readString(THREAD_NET_DEV)).contains(hostSide + ":");
    }

    @Test
    void theTaskGetsAFreshPlatformThreadEvenWhenCalledFromAVirtualThread() throws Exception {
        Path ns = fixture.netns();
        Thread caller = Thread.currentThread();

        Thread fromPlatform = NetNs.call(ns, Thread::currentThread);
        Thread fromVirtual;
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            fromVirtual = executor.submit(() -> NetNs.call(ns, Thread::currentThread)).get();
        }

        assertThat(List.of(fromPlatform, fromVirtual)).allSatisfy(t -> {
            assertThat(t).isNotSameAs(caller);
            assertThat(t.isVirtual()).isFalse();
            assertThat(t.isAlive()).isFalse();
        });
        assertThat(fromPlatform).isNotSameAs(fromVirtual);
    }

    @Test
    void whatTheTaskThrowsReachesTheCallerUnchanged() throws Exception {
        Path ns = fixture.netns();
        IOException checked = new IOException("from inside");
        IllegalStateException unchecked = new IllegalStateException("from inside");
        AssertionError error = new AssertionError("from inside");

        assertThatThrownBy(() -> NetNs.call(ns, () -> {
            throw checked;
        })).isSameAs(checked);
        assertThatThrownBy(() -> NetNs.run(ns, () -> {
            throw unchecked;
        })).isSameAs(unchecked);
        assertThatThrownBy(() -> NetNs.run(ns, () -> {
            throw error;
        })).isSameAs(error);
    }

    @Test
    void anInterruptedCallerWaitsForTheTaskAndKeepsItsInterrupt() throws Exception {
        Path ns = fixture.netns();

        Thread.currentThread().interrupt();
        String outcome = NetNs.call(ns, () -> {
            try {
                Thread.sleep(10_000);
                return "slept";
            } catch (InterruptedException e) {
                return "interrupted";
            }
        });

        assertThat(outcome).isEqualTo("interrupted");
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void aPathThatIsNotANetworkNamespaceIsRefused() {
        Path uts = Path.of("/proc/self/ns/uts");

        assertThatThrownBy(() -> NetNs.run(uts, () -> { }))
                .isInstanceOfSatisfying(NativeException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL))
                .hasMessage("setns(/proc/self/ns/uts) failed: -22 EINVAL (Invalid argument)");
        assertThatThrownBy(() -> NetNs.run(Path.of("/run/netns/porin-nl-it-missing"), () -> { }))
                .isInstanceOfSatisfying(NativeException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
    }

    @Test
    void aSysctlWrittenInsideTheNamespaceLeavesTheHostsAlone() throws Exception {
        Path pod = fixture.netns();
        String hostSide = fixture.hostLinkName();
        try (RtNetlink host = RtNetlink.open(); NetNs.Handle podNs = NetNs.open(pod)) {
            // The peer is called eth0 like the host's own interface, whose setting must not move.
            host.createVethPair(new VethSpec(hostSide, MacAddress.parse("02:50:00:00:03:01"), "eth0",
                    MacAddress.parse("02:50:00:00:03:02"), podNs.fd(), 1500));
        }
        String disableIpv6 = "net/ipv6/conf/eth0/disable_ipv6";
        String hostDisableIpv6 = Sysctl.read(disableIpv6);
        String hostForwarding = Sysctl.read("net/ipv4/ip_forward");
        String flippedForwarding = hostForwarding.equals("1") ? "0" : "1";

        List<String> inside = NetNs.call(pod, () -> {
            Sysctl.write(disableIpv6, "1");
            Sysctl.write("net/ipv4/ip_forward", flippedForwarding);
            return List.of(Sysctl.read(disableIpv6), Sysctl.read("net/ipv4/ip_forward"));
        });

        assertThat(inside).containsExactly("1", flippedForwarding);
        assertThat(Sysctl.read(disableIpv6)).isEqualTo(hostDisableIpv6);
        assertThat(Sysctl.read("net/ipv4/ip_forward")).isEqualTo(hostForwarding);
    }

    /** Not an assertion: prints what entering a namespace costs a call. */
    @Test
    void measuresTheCostOfACall() throws Exception {
        Path ns = fixture.netns();
        for (int i = 0; i < 200; i++) {
            NetNs.call(ns, () -> null);
        }

        int calls = 1000;
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            NetNs.call(ns, () -> null);
        }
        long perCall = (System.nanoTime() - start) / calls;

        System.out.printf("NetNsIT: NetNs.call (open, new platform thread, setns, join, close) takes %.1f µs "
                + "on average over %d calls%n", perCall / 1e3, calls);
    }
}
