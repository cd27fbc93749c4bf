// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.metrics;

import dev.porin.datapath.maps.MetricsMap;
import dev.porin.datapath.maps.MetricsMap.Key;
import dev.porin.datapath.maps.MetricsMap.Value;
import dev.porin.testing.MemoryKvMap;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import static dev.porin.datapath.maps.MetricsMap.DIR_EGRESS;
import static dev.porin.datapath.maps.MetricsMap.DIR_INGRESS;
import static org.assertj.core.api.Assertions.assertThat;

class DatapathMetricsTest {

    private final MemoryKvMap<Key, Value> map = new MemoryKvMap<>(MetricsMap.NAME, 1024);
    private final PrometheusRegistry registry = new PrometheusRegistry();

    DatapathMetricsTest() {
        registry.register(new DatapathMetrics(map));
    }

    private double value(String name, String... labels) {
        return Scrape.value(registry, name, labels);
    }

    @Test
    void dropsAreCountedByCiliumReasonTextAndDirection() {
        map.put(new Key(133, DIR_INGRESS), new Value(5, 370));
        map.put(new Key(133, DIR_EGRESS), new Value(1, 74));
        map.put(new Key(181, DIR_INGRESS), new Value(2, 120));

        assertThat(value("porin_drop_count_total", "reason", "Policy denied", "direction", "INGRESS")).isEqualTo(5);
        assertThat(value("porin_drop_bytes_total", "reason", "Policy denied", "direction", "INGRESS")).isEqualTo(370);
        assertThat(value("porin_drop_count_total", "reason", "Policy denied", "direction", "EGRESS")).isEqualTo(1);
        assertThat(value("porin_drop_count_total", "reason", "Policy denied by denylist", "direction", "INGRESS"))
                .isEqualTo(2);
    }

    @Test
    void forwardsAreReasonZeroByDirection() {
        map.put(new Key(0, DIR_INGRESS), new Value(10, 1500));
        map.put(new Key(0, DIR_EGRESS), new Value(12, 1700));

        assertThat(value("porin_forward_count_total", "direction", "INGRESS")).isEqualTo(10);
        assertThat(value("porin_forward_bytes_total", "direction", "INGRESS")).isEqualTo(1500);
        assertThat(value("porin_forward_count_total", "direction", "EGRESS")).isEqualTo(12);
        assertThat(value("porin_forward_bytes_total", "direction", "EGRESS")).isEqualTo(1700);
    }

    @Test
    void readsTheMapAtEveryScrape() {
        map.put(new Key(133, DIR_INGRESS), new Value(1, 60));
        assertThat(value("porin_drop_count_total", "reason", "Policy denied", "direction", "INGRESS")).isEqualTo(1);

        map.put(new Key(133, DIR_INGRESS), new Value(4, 240));

        assertThat(value("porin_drop_count_total", "reason", "Policy denied", "direction", "INGRESS")).isEqualTo(4);
    }

    @Test
    void unknownCodesAndDirectionsStillShowAndAddUp() {
        map.put(new Key(250, DIR_INGRESS), new Value(1, 60));
        map.put(new Key(0, 0), new Value(2, 100));
        map.put(new Key(0, 7), new Value(3, 100));

        assertThat(value("porin_drop_count_total", "reason", "Unknown reason 250", "direction", "INGRESS"))
                .isEqualTo(1);
        assertThat(value("porin_forward_count_total", "direction", "UNKNOWN")).isEqualTo(5);
    }

    @Test
    void anEmptyMapExposesNoSeries() {
        assertThat(Scrape.text(registry)).doesNotContain("porin_");
    }
}
