// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.metrics;

import dev.porin.agent.api.Router;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.Set;

/**
 * {@code porin_api_requests_duration_seconds}: how long the REST API took to answer, by method, route
 * pattern and status. Methods outside HTTP's usual few count as {@code OTHER}, so no client can grow the
 * label set.
 */
final class ApiMetrics implements Router.Observer {

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private final Histogram duration;

    ApiMetrics(PrometheusRegistry registry) {
        duration = Histogram.builder().name("porin_api_requests_duration_seconds")
                .help("Duration of processed API calls").labelNames("method", "path", "return_code")
                // From 0.5 ms: most calls on the local socket take well under 5 ms.
                .classicOnly().classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                        1, 2.5, 5, 10)
                .withoutExemplars().register(registry);
    }

    @Override
    public void answered(String method, String pattern, int status, long nanos) {
        duration.labelValues(METHODS.contains(method) ? method : "OTHER", pattern, Integer.toString(status))
                .observe(nanos / 1e9);
    }
}
