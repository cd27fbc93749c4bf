// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.metrics;

import dev.porin.datapath.DropReason;
import dev.porin.datapath.maps.KvMap;
import dev.porin.datapath.maps.MetricsMap;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.Map;
import java.util.TreeMap;

/**
 * The datapath's packet and byte counters, read from its metrics map whenever Prometheus scrapes, as
 * Cilium's {@code cilium_drop_count_total}, {@code cilium_drop_bytes_total},
 * {@code cilium_forward_count_total} and {@code cilium_forward_bytes_total} with a {@code porin_} prefix.
 */
final class DatapathMetrics implements MultiCollector {

    private final KvMap<MetricsMap.Key, MetricsMap.Value> map;

    DatapathMetrics(KvMap<MetricsMap.Key, MetricsMap.Value> map) {
        this.map = map;
    }

    @Override
    public MetricSnapshots collect() {
        // Keys whose label values coincide (an unknown direction, say) add up.
        Map<Labels, MetricsMap.Value> drops = new TreeMap<>();
        Map<Labels, MetricsMap.Value> forwards = new TreeMap<>();
        for (Map.Entry<MetricsMap.Key, MetricsMap.Value> e : map.entries()) {
            MetricsMap.Key k = e.getKey();
            String direction = direction(k.direction());
            if (k.reason() == 0) {
                forwards.merge(Labels.of("direction", direction), e.getValue(), MetricsMap.Value::plus);
            } else {
                drops.merge(Labels.of("reason", reason(k.reason()), "direction", direction), e.getValue(),
                        MetricsMap.Value::plus);
            }
        }
        return MetricSnapshots.of(
                counter("porin_drop_count", "Total dropped packets", drops, false),
                counter("porin_drop_bytes", "Total dropped bytes", drops, true),
                counter("porin_forward_count", "Total forwarded packets", forwards, false),
                counter("porin_forward_bytes", "Total forwarded bytes", forwards, true));
    }

    private static CounterSnapshot counter(String name, String help, Map<Labels, MetricsMap.Value> values,
                                           boolean bytes) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        values.forEach((labels, v) -> b.dataPoint(CounterDataPointSnapshot.builder().labels(labels)
                .value(bytes ? v.bytes() : v.count()).build()));
        return b.build();
    }

    /** Cilium's text for a drop code. */
    static String reason(int code) {
        DropReason r = DropReason.of(code);
        return r == null ? "Unknown reason " + code : r.text();
    }

    /** Cilium's direction label values. */
    static String direction(int direction) {
        return switch (direction) {
            case MetricsMap.DIR_INGRESS -> "INGRESS";
            case MetricsMap.DIR_EGRESS -> "EGRESS";
            default -> "UNKNOWN";
        };
    }
}
