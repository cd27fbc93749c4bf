// SPDX-License-Identifier: Apache-2.0
package dev.porin.cni;

import dev.porin.api.Json;
import dev.porin.endpoint.Endpoint;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.Inet4Address;

/**
 * The ADD result for an endpoint, in the shape of the requested spec version. Porin creates two
 * interfaces (the host-side veth, then the pod's), one address on the pod's, and its default route.
 */
public final class CniResult {

    private CniResult() {
    }

    /**
     * @param prevResult an earlier plugin's result to extend (Porin appended after it), or null
     */
    public static ObjectNode encode(String version, Endpoint ep, Inet4Address router, int mtu, ObjectNode prevResult) {
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("cniVersion", version);
        ArrayNode interfaces = result.putArray("interfaces");
        ArrayNode ips = result.putArray("ips");
        ArrayNode routes = result.putArray("routes");
        if (prevResult != null) {
            copyArray(prevResult, "interfaces", interfaces);
            copyArray(prevResult, "ips", ips);
            copyArray(prevResult, "routes", routes);
        }
        int base = interfaces.size();

        ObjectNode host = interfaces.addObject();
        host.put("name", ep.hostIfname());
        host.put("mac", ep.hostMac().toString());
        ObjectNode pod = interfaces.addObject();
        pod.put("name", ep.ifname());
        pod.put("mac", ep.podMac().toString());
        pod.put("sandbox", ep.netns());
        if (CniVersion.interfacesCarryMtu(version)) {
            host.put("mtu", mtu);
            pod.put("mtu", mtu);
        }

        ObjectNode ip = ips.addObject();
        if (CniVersion.ipsCarryVersion(version)) {
            ip.put("version", "4");
        }
        ip.put("address", ep.ipv4().getHostAddress() + "/32");
        ip.put("gateway", router.getHostAddress());
        ip.put("interface", base + 1);

        ObjectNode def = routes.addObject();
        def.put("dst", "0.0.0.0/0");
        def.put("gw", router.getHostAddress());

        result.set("dns", prevResult != null && prevResult.has("dns") ? prevResult.get("dns") : Json.MAPPER.createObjectNode());
        return result;
    }

    private static void copyArray(ObjectNode from, String field, ArrayNode to) {
        JsonNode a = from.get(field);
        if (a != null && a.isArray()) {
            a.forEach(to::add);
        }
    }

    /** The addresses a result lists, e.g. {@code 10.200.0.5/32}. */
    public static java.util.List<String> addresses(ObjectNode result) {
        java.util.List<String> out = new java.util.ArrayList<>();
        JsonNode ips = result.get("ips");
        if (ips != null && ips.isArray()) {
            ips.forEach(ip -> {
                JsonNode a = ip.get("address");
                if (a != null && a.isString()) {
                    out.add(a.asString());
                }
            });
        }
        return out;
    }

    /** A CNI error object. */
    public static ObjectNode error(String version, CniException e) {
        ObjectNode err = Json.MAPPER.createObjectNode();
        err.put("cniVersion", version);
        err.put("code", e.code());
        err.put("msg", e.getMessage());
        if (!e.details().isEmpty()) {
            err.put("details", e.details());
        }
        return err;
    }
}
