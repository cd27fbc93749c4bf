// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

/**
 * A port (or range) and protocol. {@code port} 0 means every port. A named port ({@code "http-8080"}) has
 * {@code name} set and {@code port} 0 until it is resolved against the pod that declares it.
 *
 * @param endPort last port of a range, or 0 for a single port
 */
public record PortProtocol(int port, int endPort, String name, Protocol protocol) {

    public PortProtocol {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
        if (endPort != 0 && (endPort < port || endPort > 65535)) {
            throw new IllegalArgumentException("endPort " + endPort + " must lie between port " + port + " and 65535");
        }
    }

    public static PortProtocol number(int port, Protocol protocol) {
        return new PortProtocol(port, 0, null, protocol);
    }

    public boolean isNamed() {
        return name != null;
    }

    /** First and last port covered; 0..65535 for "every port". */
    public int first() {
        return port == 0 ? 0 : port;
    }

    public int last() {
        return port == 0 ? 65535 : endPort == 0 ? port : endPort;
    }

    public boolean allPorts() {
        return port == 0 && name == null;
    }
}
