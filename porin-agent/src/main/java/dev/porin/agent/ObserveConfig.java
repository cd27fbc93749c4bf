// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent;

import dev.porin.datapath.DatapathConfig.TraceMode;

import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * Observability settings.
 *
 * @param hubbleListenAddress where the Hubble-compatible Observer API listens, {@code host:port}; empty: off
 * @param flowBufferSize      how many flows the ring keeps (rounded up to a power of two minus one)
 * @param prometheusServeAddr where Prometheus metrics are served, {@code host:port}; empty: off
 * @param monitorAggregation  which forwarded packets are reported: {@code none} (every packet, as Cilium's
 *                            setting of that name), {@code low}, {@code medium} or {@code maximum} (a
 *                            connection's first packet, its SYN/FIN/RST and one per few seconds), {@code off}
 *                            (no traces; drops and verdicts still are)
 * @param nodeName            the node's name in flows
 */
public record ObserveConfig(String hubbleListenAddress, int flowBufferSize, String prometheusServeAddr,
                            String monitorAggregation, String nodeName) {

    public static final ObserveConfig DEFAULTS = new ObserveConfig("127.0.0.1:4245", 16383, "127.0.0.1:9962",
            "medium", defaultNodeName());

    public ObserveConfig {
        if (flowBufferSize < 1 || flowBufferSize > (1 << 24)) {
            throw new IllegalArgumentException("hubble-flow-buffer-size: must be between 1 and " + (1 << 24) + ", not "
                    + flowBufferSize);
        }
        parseAddress("hubble-listen-address", hubbleListenAddress);
        parseAddress("prometheus-serve-addr", prometheusServeAddr);
        traceMode(monitorAggregation);
        if (nodeName == null || nodeName.isBlank()) {
            throw new IllegalArgumentException("node-name: must not be empty");
        }
    }

    public TraceMode traceMode() {
        return traceMode(monitorAggregation);
    }

    public InetSocketAddress hubbleAddress() {
        return parseAddress("hubble-listen-address", hubbleListenAddress);
    }

    public InetSocketAddress prometheusAddress() {
        return parseAddress("prometheus-serve-addr", prometheusServeAddr);
    }

    private static TraceMode traceMode(String aggregation) {
        return switch (aggregation.toLowerCase(Locale.ROOT)) {
            case "none" -> TraceMode.ALL;
            case "low", "medium", "maximum" -> TraceMode.CONNECTION;
            case "off" -> TraceMode.NONE;
            default -> throw new IllegalArgumentException("monitor-aggregation: '" + aggregation
                    + "' is not one of none, low, medium, maximum, off");
        };
    }

    /** {@code host:port}, {@code :port} (every address), or empty for off (null). */
    static InetSocketAddress parseAddress(String flag, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException(flag + ": '" + value + "' is not host:port");
        }
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": '" + value + "' has no valid port");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(flag + ": port " + port + " is out of range");
        }
        return host.isEmpty() ? new InetSocketAddress(port) : InetSocketAddress.createUnresolved(host, port);
    }

    private static String defaultNodeName() {
        String env = System.getenv("PORIN_NODE_NAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }
}
