// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;

import java.util.function.IntFunction;

/**
 * A labelled counter's data points in an array indexed by the label values packed into an int. Each is
 * created on first use; after that, finding one neither allocates nor locks. For a single writer thread.
 */
final class CounterTable {

    private final Counter counter;
    private final IntFunction<String[]> labels;
    private final CounterDataPoint[] points;

    /**
     * @param size   one more than the largest index
     * @param labels the label values an index stands for
     */
    CounterTable(Counter counter, int size, IntFunction<String[]> labels) {
        this.counter = counter;
        this.labels = labels;
        this.points = new CounterDataPoint[size];
    }

    CounterDataPoint get(int index) {
        CounterDataPoint p = points[index];
        if (p == null) {
            p = counter.labelValues(labels.apply(index));
            points[index] = p;
        }
        return p;
    }
}
