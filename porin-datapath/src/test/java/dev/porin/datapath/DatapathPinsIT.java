// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath;

import dev.porin.datapath.libbpf.BpfMap;
import dev.porin.datapath.libbpf.MapType;
import dev.porin.datapath.maps.CtMap;
import dev.porin.datapath.maps.MetricsMap;
import dev.porin.datapath.testing.Privileges;
import dev.porin.net.Ipv4Prefix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Loading over the pins of a datapath whose maps were laid out differently, e.g. an older Porin's. */
class DatapathPinsIT {

    private Path pinRoot;

    @BeforeEach
    void root() throws java.io.IOException {
        Privileges.requireRoot();
        pinRoot = Path.of("/sys/fs/bpf/porin-pins-it-" + ProcessHandle.current().pid());
    }

    @AfterEach
    void unpin() {
        if (pinRoot != null) {
            Datapath.unpinAll(pinRoot);
        }
    }

    @Test
    void aPinnedMapWithAnotherLayoutIsReplacedAndTheOthersAreKept() {
        CtMap.Key connection = new CtMap.Key(Ipv4Prefix.parseAddress("10.9.0.2"), Ipv4Prefix.parseAddress("10.9.0.3"),
                40000, 80, 6);
        try (Datapath first = Datapath.load(DatapathConfig.DEFAULTS, pinRoot, 4096, 1024)) {
            first.conntrack().kv().put(connection, new CtMap.Entry(1, 60, 0, 0, 100, 0, 2, 0, 5, 0, 0, 0));
        }
        // The counters as an older datapath had them: a per-CPU hash.
        Path metricsPin = pinRoot.resolve(MetricsMap.NAME);
        try (BpfMap unpin = BpfMap.openPinned(metricsPin)) {
            java.nio.file.Files.delete(metricsPin);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (BpfMap old = BpfMap.create(MapType.PERCPU_HASH, MetricsMap.NAME, 8, 16, 1024, 0, null)) {
            old.pin(metricsPin);
        }

        try (Datapath second = Datapath.load(DatapathConfig.DEFAULTS, pinRoot, 4096, 1024);
             BpfMap metrics = BpfMap.openPinned(metricsPin)) {
            assertThat(metrics.type()).isEqualTo(MapType.PERCPU_ARRAY);
            assertThat(second.metrics().entries()).isEmpty();
            assertThat(second.conntrack().kv().get(connection)).as("conntrack, unchanged, is reused").isPresent();
        }
    }
}
