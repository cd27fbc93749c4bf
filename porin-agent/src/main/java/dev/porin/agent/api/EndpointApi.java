// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.api;

import dev.porin.agent.policy.PolicyManager;
import dev.porin.api.Json;
import dev.porin.api.v1.EndpointConfigChange;
import dev.porin.api.v1.LabelsChange;
import dev.porin.datapath.maps.EndpointStatsMap;
import dev.porin.endpoint.Endpoint;
import dev.porin.endpoint.EndpointManager;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/endpoint}, {@code GET /v1/endpoint/{id}}, and changing an endpoint's labels
 * ({@code PATCH .../labels}) and options ({@code PATCH .../config}).
 */
public final class EndpointApi {

    private final EndpointManager endpoints;
    private final PolicyManager policy;

    public EndpointApi(EndpointManager endpoints, PolicyManager policy) {
        this.endpoints = endpoints;
        this.policy = policy;
    }

    public void register(Router router) {
        router.get("/v1/endpoint", r -> Response.ok(endpoints.list().stream().map(this::model).toList()));
        router.get("/v1/endpoint/{id}", r -> Response.ok(model(find(r))));
        router.patch("/v1/endpoint/{id}/labels", r -> {
            Endpoint ep = find(r);
            LabelsChange c = Json.MAPPER.readValue(r.body(), LabelsChange.class);
            Map<String, String> add = c.add() == null ? Map.of() : c.add();
            List<String> delete = c.delete() == null ? List.of() : c.delete();
            add.keySet().forEach(EndpointApi::requireLabelKey);
            return Response.ok(model(policy.changeLabels(ep.id(), add, delete)));
        });
        router.patch("/v1/endpoint/{id}/config", r -> {
            Endpoint ep = find(r);
            EndpointConfigChange c = Json.MAPPER.readValue(r.body(), EndpointConfigChange.class);
            if (c.policyAuditMode() != null) {
                ep = policy.auditMode(ep.id(), c.policyAuditMode());
            }
            return Response.ok(model(ep));
        });
    }

    private Endpoint find(Request r) {
        int id = parseId(r.pathParam("id"));
        return endpoints.get(id).orElseThrow(() -> ApiException.notFound("endpoint " + id));
    }

    private static void requireLabelKey(String key) {
        if (key.isEmpty() || key.length() > 317 || !key.matches("([a-z0-9.\\-]+/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")) {
            throw ApiException.badRequest("add: '" + key + "' is not a valid label key");
        }
    }

    private dev.porin.api.v1.EndpointModel model(Endpoint ep) {
        return Models.endpoint(ep, endpoints.stats(ep.id()).orElse(EndpointStatsMap.Stats.ZERO),
                policy.identityLabels(ep).strings(), policy.enforcementText(ep));
    }

    static int parseId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("endpoint ID must be a number, not '" + text + "'");
        }
    }
}
