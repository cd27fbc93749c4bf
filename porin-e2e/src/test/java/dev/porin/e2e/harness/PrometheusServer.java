// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e.harness;

import dev.porin.api.Json;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (Debian's {@code prometheus} package) as a child process scraping one target every
 * second, with its configuration and storage in a temporary directory. {@link #close()} kills it and
 * removes the directory.
 */
public final class PrometheusServer implements AutoCloseable {

    public static final String JOB = "porin";
    private static final String BINARY = "/usr/bin/prometheus";

    private final Path work;
    private final String address;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    private PrometheusServer(Path work, String address) {
        this.work = work;
        this.address = address;
    }

    /** Starts Prometheus scraping {@code target} ({@code host:port}) and waits until it is ready. */
    public static PrometheusServer start(String target) {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " is missing: apt-get install prometheus (./test does)");
        }
        try {
            PrometheusServer server = new PrometheusServer(Files.createTempDirectory("porin-e2e-prometheus-"),
                    "127.0.0.1:" + freePort());
            try {
                server.launch(target);
                return server;
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void launch(String target) throws IOException {
        Path config = work.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                - job_name: %s
                  static_configs:
                  - targets: ['%s']
                """.formatted(JOB, target));
        process = new ProcessBuilder(BINARY, "--config.file=" + config, "--storage.tsdb.path=" + work.resolve("data"),
                "--web.listen-address=" + address)
                .redirectErrorStream(true).redirectOutput(log().toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!ready()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus exited with " + process.exitValue() + "; log:\n" + logText());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("prometheus not ready within 30 s; log:\n" + logText());
            }
            TestAgent.sleep(100);
        }
    }

    private boolean ready() {
        try {
            return get("/-/ready").statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://" + address + pathAndQuery))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** {@code data} of an API answer; an error answer (bad PromQL, say) throws with Prometheus's message. */
    private JsonNode api(String pathAndQuery) {
        try {
            HttpResponse<String> r = get(pathAndQuery);
            JsonNode body = Json.MAPPER.readTree(r.body());
            if (!body.path("status").asString().equals("success")) {
                throw new IllegalArgumentException(pathAndQuery + ": " + body.path("errorType").asString() + ": "
                        + body.path("error").asString());
            }
            return body.path("data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The series an instant query returns, through {@code /api/v1/query}. */
    public List<JsonNode> query(String promql) {
        JsonNode data = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        return data.path("result").valueStream().toList();
    }

    /** The value of a query that returns at most one series; 0 if it returns none. */
    public double value(String promql) {
        List<JsonNode> result = query(promql);
        if (result.size() > 1) {
            throw new IllegalStateException(promql + " returned " + result.size() + " series: " + result);
        }
        return result.isEmpty() ? 0 : Double.parseDouble(result.getFirst().path("value").get(1).asString());
    }

    /** A scrape target as {@code /api/v1/targets} shows it; {@code health} is up, down or unknown. */
    public record Target(String job, String scrapeUrl, String health, String lastError) {
    }

    public List<Target> targets() {
        return api("/api/v1/targets").path("activeTargets").valueStream()
                .map(t -> new Target(t.path("labels").path("job").asString(), t.path("scrapeUrl").asString(),
                        t.path("health").asString(), t.path("lastError").asString()))
                .toList();
    }

    public Path log() {
        return work.resolve("prometheus.log");
    }

    public String logText() {
        try {
            return Files.exists(log()) ? Files.readString(log()) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        try {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            http.close();
            TestAgent.deleteTree(work);
        }
    }
}
