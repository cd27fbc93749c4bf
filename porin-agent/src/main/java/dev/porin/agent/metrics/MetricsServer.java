// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/** Serves a registry to Prometheus on {@code /metrics}. */
public final class MetricsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

    private final HTTPServer server;
    private final String address;

    private MetricsServer(HTTPServer server, String address) {
        this.server = server;
        this.address = address;
    }

    /** Listens on {@code listen}; port 0 picks a free one, which {@link #address()} then tells. */
    public static MetricsServer start(InetSocketAddress listen, PrometheusRegistry registry) {
        String host = listen.getHostString();
        try {
            HTTPServer server = HTTPServer.builder().hostname(host).port(listen.getPort()).registry(registry)
                    .buildAndStart();
            MetricsServer s = new MetricsServer(server, host + ":" + server.getPort());
            LOG.atInfo().addKeyValue("address", s.address).log("Prometheus metrics listening");
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("prometheus-serve-addr: cannot listen on " + host + ":" + listen.getPort(), e);
        }
    }

    /** Where it listens, {@code host:port}, with the port actually bound. */
    public String address() {
        return address;
    }

    @Override
    public void close() {
        server.close();
    }
}
