// SPDX-License-Identifier: Apache-2.0
package dev.porin.endpoint;

import dev.porin.net.MacAddress;

import java.net.Inet4Address;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A pod's interface on this node. {@code containerId} and {@code ifname} are the CNI attachment it came
 * from; {@code labels} are those the runtime passed ({@code args.cni.labels}); {@code addedLabels} and
 * {@code removedLabels} are what {@code porin endpoint labels} changed on top; {@code identity} is the
 * security identity it has in the datapath.
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
        Instant created,
        int identity,
        Map<String, String> addedLabels,
        List<String> removedLabels,
        boolean auditMode) {

    public Endpoint {
        labels = Map.copyOf(labels);
        addedLabels = addedLabels == null ? Map.of() : Map.copyOf(addedLabels);
        removedLabels = removedLabels == null ? List.of() : List.copyOf(removedLabels);
    }

    public Endpoint withState(EndpointState newState) {
        return new Endpoint(id, containerId, ifname, netns, network, podNamespace, podName, labels, ipv4, hostIfname,
                hostIfindex, hostMac, podMac, newState, created, identity, addedLabels, removedLabels, auditMode);
    }

    public Endpoint withIdentity(int newIdentity) {
        return new Endpoint(id, containerId, ifname, netns, network, podNamespace, podName, labels, ipv4, hostIfname,
                hostIfindex, hostMac, podMac, state, created, newIdentity, addedLabels, removedLabels, auditMode);
    }

    public Endpoint withLabelChanges(Map<String, String> added, List<String> removed) {
        return new Endpoint(id, containerId, ifname, netns, network, podNamespace, podName, labels, ipv4, hostIfname,
                hostIfindex, hostMac, podMac, state, created, identity, added, removed, auditMode);
    }

    public Endpoint withAuditMode(boolean audit) {
        return new Endpoint(id, containerId, ifname, netns, network, podNamespace, podName, labels, ipv4, hostIfname,
                hostIfindex, hostMac, podMac, state, created, identity, addedLabels, removedLabels, audit);
    }

    /** The pod's namespace, {@code default} when the runtime did not say. */
    public String namespace() {
        return podNamespace == null || podNamespace.isEmpty() ? "default" : podNamespace;
    }

    /** {@code base} (the runtime's labels, or the Pod object's) with this endpoint's own changes applied. */
    public Map<String, String> effectiveLabels(Map<String, String> base) {
        Map<String, String> out = new TreeMap<>(base);
        removedLabels.forEach(out::remove);
        out.putAll(addedLabels);
        return out;
    }

    /** The IPAM owner string of this endpoint's address. */
    public String ipamOwner() {
        return ipamOwner(containerId, ifname);
    }

    public static String ipamOwner(String containerId, String ifname) {
        return containerId + "/" + ifname;
    }
}
