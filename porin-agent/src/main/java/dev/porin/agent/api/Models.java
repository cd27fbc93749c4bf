// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.api;

import dev.porin.api.v1.EndpointModel;
import dev.porin.datapath.maps.EndpointStatsMap;
import dev.porin.endpoint.Endpoint;

import java.util.List;
import java.util.Map;

/** Domain objects into their API models. */
final class Models {

    private Models() {
    }

    static EndpointModel endpoint(Endpoint ep, EndpointStatsMap.Stats stats) {
        List<String> labels = ep.labels().entrySet().stream()
                .map(Models::k8sLabel)
                .sorted()
                .toList();
        return new EndpointModel(ep.id(), ep.containerId(), ep.ifname(), ep.netns(), ep.podNamespace(), ep.podName(),
                labels, 0, ep.ipv4().getHostAddress(), ep.hostIfname(), ep.hostIfindex(), ep.podMac().toString(),
                ep.hostMac().toString(), ep.state().wireName(),
                new EndpointModel.PolicyEnforcement("Disabled", "Disabled"),
                new EndpointModel.TrafficStats(stats.rxPackets(), stats.rxBytes(), stats.txPackets(), stats.txBytes()),
                ep.created());
    }

    private static String k8sLabel(Map.Entry<String, String> l) {
        return "k8s:" + l.getKey() + (l.getValue().isEmpty() ? "" : "=" + l.getValue());
    }
}
