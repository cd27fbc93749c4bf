// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.metrics;

import dev.porin.agent.api.Response;
import dev.porin.agent.api.Router;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ApiMetricsTest {

    private static final String DURATION = "porin_api_requests_duration_seconds";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ApiMetrics metrics = new ApiMetrics(registry);
    private final Router router = new Router(metrics);

    private void call(String method, String path) {
        router.dispatch(method, path, Map.of(), Map.of(), new byte[0]);
    }

    @Test
    void timesRequestsByMethodRoutePatternAndStatus() {
        router.get("/v1/endpoint/{id}", r -> Response.ok(r.pathParam("id")));

        call("GET", "/v1/endpoint/1");
        call("GET", "/v1/endpoint/2");
        call("POST", "/v1/endpoint/3");
        call("GET", "/v1/elsewhere");

        assertThat(Scrape.value(registry, DURATION, "method", "GET", "path", "/v1/endpoint/{id}", "return_code", "200"))
                .isEqualTo(2);
        assertThat(Scrape.value(registry, DURATION, "method", "POST", "path", "/v1/endpoint/{id}", "return_code", "405"))
                .isEqualTo(1);
        assertThat(Scrape.value(registry, DURATION, "method", "GET", "path", "unmatched", "return_code", "404"))
                .isEqualTo(1);
        assertThat(Scrape.text(registry)).doesNotContain("/v1/endpoint/1", "/v1/elsewhere");
    }

    @Test
    void unusualMethodsShareOneLabelValue() {
        call("BREW", "/v1/pot");
        call("PROPFIND", "/v1/pot");

        assertThat(Scrape.value(registry, DURATION, "method", "OTHER", "path", "unmatched", "return_code", "404"))
                .isEqualTo(2);
    }

    @Test
    void bucketsResolveSubMillisecondCalls() {
        metrics.answered("GET", "/v1/status", 200, 300_000);

        assertThat(Scrape.text(registry)).contains(DURATION
                + "_bucket{method=\"GET\",path=\"/v1/status\",return_code=\"200\",le=\"5.0E-4\"} 1");
    }
}
