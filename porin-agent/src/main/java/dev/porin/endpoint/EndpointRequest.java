// SPDX-License-Identifier: Apache-2.0
package dev.porin.endpoint;

import java.util.Map;

/** What creating an endpoint needs: the CNI attachment and who the pod is. */
public record EndpointRequest(
        String containerId,
        String ifname,
        String netns,
        String network,
        String podNamespace,
        String podName,
        Map<String, String> labels) {

    public EndpointRequest {
        labels = Map.copyOf(labels);
    }
}
