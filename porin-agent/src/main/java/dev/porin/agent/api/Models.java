// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.api;

import dev.porin.api.v1.EndpointModel;
import dev.porin.datapath.maps.EndpointStatsMap;
import dev.porin.endpoint.Endpoint;

import java.util.List;

/** Domain objects into their API models. */
final class Models {

    private Models() {
    }

    /**
     * @param labels      the labels of the endpoint's identity
     * @param enforcement ingress and egress, as cilium words them
     */
    static EndpointModel endpoint(Endpoint ep, EndpointStatsMap.Stats stats, List<String> labels, String[] enforcement) {
        return new EndpointModel(ep.id(), ep.containerId(), ep.ifname(), ep.netns(), ep.podNamespace(), ep.podName(),
                labels, ep.identity(), ep.ipv4().getHostAddress(), ep.hostIfname(), ep.hostIfindex(), ep.podMac().toString(),
                ep.hostMac().toString(), ep.state().wireName(),
                new EndpointModel.PolicyEnforcement(enforcement[0], enforcement[1]),
                new EndpointModel.TrafficStats(stats.rxPackets(), stats.rxBytes(), stats.txPackets(), stats.txBytes()),
                ep.created());
    }
}
