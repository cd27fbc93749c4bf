// SPDX-License-Identifier: Apache-2.0
package dev.porin.endpoint;

import dev.porin.net.MacAddress;

import java.net.Inet4Address;
import java.time.Instant;
import java.util.Map;

/**
 * A pod's interface on this node. {@code containerId} and {@code ifname} are the CNI attachment it came
 * from; {@code labels} are those the runtime passed ({@code args.cni.labels}).
 */
public record Endpoint(
        int id,
        String containerId,
        String ifname,
        String netns,
        String network,
        String podNamespace,
        String podName,
        Map<String, String> labels,
        Inet4Address ipv4,
        String hostIfname,
        int hostIfindex,
        MacAddress hostMac,
        MacAddress podMac,
        EndpointState state,
        Instant created) {

    public Endpoint {
        labels = Map.copyOf(labels);
    }

    public Endpoint withState(EndpointState newState) {
        return new Endpoint(id, containerId, ifname, netns, network, podNamespace, podName, labels, ipv4, hostIfname,
                hostIfindex, hostMac, podMac, newState, created);
    }

    /** The IPAM owner string of this endpoint's address. */
    public String ipamOwner() {
        return ipamOwner(containerId, ifname);
    }

    public static String ipamOwner(String containerId, String ifname) {
        return containerId + "/" + ifname;
    }
}
