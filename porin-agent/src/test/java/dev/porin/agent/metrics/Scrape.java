// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads what a registry would tell Prometheus. */
final class Scrape {

    private Scrape() {
    }

    /**
     * The value of one series: a counter's or gauge's value, a histogram's count; 0 for a series that does
     * not exist (yet). {@code name} as exposed ({@code _total} included); {@code labels} as name, value pairs.
     */
    static double value(PrometheusRegistry registry, String name, String... labels) {
        Labels wanted = Labels.of(labels);
        for (MetricSnapshot s : registry.scrape()) {
            String exposed = s instanceof CounterSnapshot ? s.getMetadata().getPrometheusName() + "_total"
                    : s.getMetadata().getPrometheusName();
            if (!exposed.equals(name)) {
                continue;
            }
            for (DataPointSnapshot p : s.getDataPoints()) {
                if (p.getLabels().equals(wanted)) {
                    return switch (p) {
                        case CounterSnapshot.CounterDataPointSnapshot c -> c.getValue();
                        case GaugeSnapshot.GaugeDataPointSnapshot g -> g.getValue();
                        case HistogramSnapshot.HistogramDataPointSnapshot h -> h.getCount();
                        default -> throw new IllegalArgumentException(name + " has no single value");
                    };
                }
            }
        }
        return 0;
    }

    /** The registry in Prometheus's text format, as {@code /metrics} serves it. */
    static String text(PrometheusRegistry registry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
