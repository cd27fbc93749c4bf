// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.api;

import dev.porin.datapath.maps.EndpointStatsMap;
import dev.porin.endpoint.Endpoint;
import dev.porin.endpoint.EndpointManager;

/** {@code GET /v1/endpoint} and {@code GET /v1/endpoint/{id}}. */
public final class EndpointApi {

    private final EndpointManager endpoints;

    public EndpointApi(EndpointManager endpoints) {
        this.endpoints = endpoints;
    }

    public void register(Router router) {
        router.get("/v1/endpoint", r -> Response.ok(endpoints.list().stream().map(this::model).toList()));
        router.get("/v1/endpoint/{id}", r -> {
            int id = parseId(r.pathParam("id"));
            return Response.ok(model(endpoints.get(id).orElseThrow(() -> ApiException.notFound("endpoint " + id))));
        });
    }

    private dev.porin.api.v1.EndpointModel model(Endpoint ep) {
        return Models.endpoint(ep, endpoints.stats(ep.id()).orElse(EndpointStatsMap.Stats.ZERO));
    }

    static int parseId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("endpoint ID must be a number, not '" + text + "'");
        }
    }
}
