// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.metrics;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricsServerTest {

    private static HttpResponse<String> get(String address) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://" + address + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void servesTheRegistryOnTheBoundPortUntilClosed() throws Exception {
        MetricsServer server = MetricsServer.start(InetSocketAddress.createUnresolved("127.0.0.1", 0),
                MetricsFixture.populated().registry());
        String address = server.address();
        try {
            assertThat(address).startsWith("127.0.0.1:").isNotEqualTo("127.0.0.1:0");
            HttpResponse<String> r = get(address);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            assertThat(r.body()).contains("porin_drop_count_total{direction=\"INGRESS\",reason=\"Policy denied\"} 5.0",
                    "hubble_flows_processed_total");
        } finally {
            server.close();
        }
        assertThatThrownBy(() -> get(address)).isInstanceOf(IOException.class);
    }
}
