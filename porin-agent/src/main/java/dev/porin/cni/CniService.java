// SPDX-License-Identifier: Apache-2.0
package dev.porin.cni;

import dev.porin.agent.state.IpamStore;
import dev.porin.endpoint.Endpoint;
import dev.porin.endpoint.EndpointException;
import dev.porin.endpoint.EndpointManager;
import dev.porin.endpoint.EndpointRequest;
import dev.porin.api.Json;
import tools.jackson.databind.node.ObjectNode;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Carries out CNI requests against the endpoint manager. */
public final class CniService {

    private final EndpointManager endpoints;
    private final IpamStore ipam;
    private final int mtu;

    public CniService(EndpointManager endpoints, IpamStore ipam, int mtu) {
        this.endpoints = endpoints;
        this.ipam = ipam;
        this.mtu = mtu;
    }

    /** The JSON to print on success: an ADD result, a VERSION answer, or nothing (null). */
    public ObjectNode handle(CniRequest req) {
        return switch (req.command()) {
            case ADD -> add(req);
            case DEL -> del(req);
            case CHECK -> check(req);
            case STATUS -> status(req);
            case GC -> gc(req);
            case VERSION -> version();
        };
    }

    private ObjectNode add(CniRequest req) {
        try {
            Endpoint ep = endpoints.create(new EndpointRequest(req.containerId(), req.ifname(), req.netns(),
                    req.conf().name(), req.podNamespace(), req.podName(), req.conf().labels()));
            return CniResult.encode(req.conf().cniVersion(), ep, ipam.router(), mtu, req.conf().prevResult());
        } catch (EndpointException e) {
            throw translate(e);
        }
    }

    private ObjectNode del(CniRequest req) {
        try {
            endpoints.delete(req.containerId(), req.ifname());
            return null;
        } catch (EndpointException e) {
            throw translate(e);
        }
    }

    private ObjectNode check(CniRequest req) {
        String version = req.conf().cniVersion();
        if (!CniVersion.hasCheck(version)) {
            throw new CniException(CniException.INCOMPATIBLE_VERSION, "CHECK is not part of CNI " + version, "");
        }
        ObjectNode prev = req.conf().prevResult();
        if (prev == null) {
            throw CniException.invalidConfig("prevResult", "missing; CHECK compares against the result of ADD");
        }
        Endpoint ep = endpoints.find(req.containerId(), req.ifname()).orElseThrow(() -> new CniException(
                CniException.CHECK_FAILED, "container " + req.containerId() + " has no interface " + req.ifname()
                        + " on network " + req.conf().name(), ""));
        List<String> problems = new java.util.ArrayList<>(endpoints.verify(ep));
        String address = ep.ipv4().getHostAddress() + "/32";
        if (!CniResult.addresses(prev).contains(address)) {
            problems.add("prevResult does not list " + address);
        }
        if (!problems.isEmpty()) {
            throw new CniException(CniException.CHECK_FAILED, "container " + req.containerId() + " "
                    + req.ifname() + " is not as ADD left it", String.join("; ", problems));
        }
        return null;
    }

    private ObjectNode status(CniRequest req) {
        if (!CniVersion.hasStatusAndGc(req.conf().cniVersion())) {
            throw new CniException(CniException.INCOMPATIBLE_VERSION, "STATUS is not part of CNI " + req.conf().cniVersion(), "");
        }
        if (ipam.allocated() >= ipam.capacity()) {
            throw new CniException(CniException.NOT_AVAILABLE, "no free pod address in " + ipam.cidr(),
                    "all " + ipam.capacity() + " addresses are in use");
        }
        return null;
    }

    private ObjectNode gc(CniRequest req) {
        if (!CniVersion.hasStatusAndGc(req.conf().cniVersion())) {
            throw new CniException(CniException.INCOMPATIBLE_VERSION, "GC is not part of CNI " + req.conf().cniVersion(), "");
        }
        if (req.conf().attachments() == null) {
            throw CniException.invalidConfig("cni.dev/valid-attachments", "missing; GC needs the list of valid attachments");
        }
        Set<EndpointManager.Attachment> valid = new HashSet<>();
        req.conf().attachments().forEach(a -> valid.add(new EndpointManager.Attachment(a.containerId(), a.ifname())));
        endpoints.garbageCollect(req.conf().name(), valid);
        return null;
    }

    private static ObjectNode version() {
        ObjectNode v = Json.MAPPER.createObjectNode();
        v.put("cniVersion", CniVersion.LATEST);
        CniVersion.SUPPORTED.forEach(v.putArray("supportedVersions")::add);
        return v;
    }

    private static CniException translate(EndpointException e) {
        int code = switch (e.kind()) {
            case NETNS_NOT_FOUND -> CniException.CONTAINER_UNKNOWN;
            case ALREADY_EXISTS, INTERFACE_EXISTS -> CniException.INTERFACE_EXISTS;
            case POOL_EXHAUSTED, IDS_EXHAUSTED -> CniException.POOL_EXHAUSTED;
            case KERNEL -> CniException.PLUMBING_FAILED;
        };
        return new CniException(code, e.getMessage(), e.getCause() == null ? "" : String.valueOf(e.getCause().getMessage()));
    }
}
