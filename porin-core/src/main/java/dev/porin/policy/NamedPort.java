// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.policy.api.Protocol;

/** A port a pod's container declares by name ({@code containerPort} with a {@code name}). */
public record NamedPort(String name, int port, Protocol protocol) {
}
