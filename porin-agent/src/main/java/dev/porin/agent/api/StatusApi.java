// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.api;

import dev.porin.api.v1.StatusModel;
import dev.porin.api.v1.VersionModel;

import java.util.function.Supplier;

/** {@code GET /v1/healthz}, {@code GET /v1/status} and {@code GET /v1/version}. */
public final class StatusApi {

    private final Supplier<StatusModel> status;
    private final VersionModel version;

    public StatusApi(Supplier<StatusModel> status, VersionModel version) {
        this.status = status;
        this.version = version;
    }

    public void register(Router router) {
        router.get("/v1/healthz", r -> Response.ok(java.util.Map.of("status", "ok")));
        router.get("/v1/status", r -> Response.ok(status.get()));
        router.get("/v1/version", r -> Response.ok(version));
    }
}
