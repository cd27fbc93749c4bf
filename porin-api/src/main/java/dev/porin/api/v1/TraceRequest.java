// SPDX-License-Identifier: Apache-2.0
package dev.porin.api.v1;

/**
 * A {@code porin policy trace} question. Source and destination are each an endpoint ID, a pod
 * ({@code namespace/name}), an IP address, {@code reserved:world} / {@code reserved:host}, or labels
 * ({@code app=frontend,k8s:io.kubernetes.pod.namespace=prod}). {@code dport} is {@code 80/TCP}, {@code 53/UDP},
 * {@code 8/ICMP} (an ICMP type) or empty for any.
 */
public record TraceRequest(String source, String destination, String dport) {
}
