// SPDX-License-Identifier: Apache-2.0
package dev.porin.api.v1;

import java.time.Instant;
import java.util.List;

/**
 * One endpoint: a pod's interface on this node, with what identifies it, where it is plumbed and how its
 * traffic is treated. {@code labels} are in {@code source:key=value} form.
 */
public record EndpointModel(
        int id,
        String containerId,
        String ifname,
        String netns,
        String podNamespace,
        String podName,
        List<String> labels,
        int identity,
        String ipv4,
        String hostInterface,
        int hostIfindex,
        String mac,
        String hostMac,
        String state,
        PolicyEnforcement policy,
        TrafficStats stats,
        Instant created) {

    /** Enforcement per direction, in cilium's words: {@code Enabled}, {@code Disabled}, {@code Disabled (Audit)}. */
    public record PolicyEnforcement(String ingress, String egress) {
    }

    /** Seen from the pod: tx is what it sent, rx what was delivered to it. */
    public record TrafficStats(long rxPackets, long rxBytes, long txPackets, long txBytes) {
    }
}
