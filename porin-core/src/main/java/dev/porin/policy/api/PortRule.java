// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import java.util.List;

/**
 * {@code toPorts} element: ports, and optionally L7 rules and TLS server names that apply to them.
 * L7 rules are accepted and kept; until the L7 proxy enforces them, the ports they guard are allowed at L4.
 */
public record PortRule(List<PortProtocol> ports, L7Rules rules, List<String> serverNames) {

    public PortRule {
        ports = List.copyOf(ports);
        serverNames = List.copyOf(serverNames);
    }

    public static PortRule of(PortProtocol... ports) {
        return new PortRule(List.of(ports), null, List.of());
    }
}
