// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.api;

import dev.porin.cni.CniException;
import dev.porin.cni.CniRequest;
import dev.porin.cni.CniResult;
import dev.porin.cni.CniService;
import dev.porin.cni.NetConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.Locale;

/**
 * {@code POST /v1/cni}: a CNI invocation forwarded by {@code porin-cni}. The {@code CNI_*} variables
 * arrive as {@code Cni-*} headers and stdin as the body. Success is 200 with the result (or an empty
 * body); every failure, expected or not, is a CNI error object, which the plugin prints as it is.
 */
public final class CniApi {

    private static final Logger LOG = LoggerFactory.getLogger(CniApi.class);

    private final CniService service;

    public CniApi(CniService service) {
        this.service = service;
    }

    public void register(Router router) {
        router.post("/v1/cni", this::handle);
    }

    Response handle(Request r) {
        String version = NetConf.versionOf(r.body());
        CniRequest req = null;
        try {
            req = CniRequest.parse(variable -> r.header(variable.toLowerCase(Locale.ROOT).replace('_', '-')), r.body());
            ObjectNode out = service.handle(req);
            return out == null ? Response.empty(200) : Response.json(200, out);
        } catch (CniException e) {
            LOG.atInfo().addKeyValue("command", req == null ? r.header("cni-command") : req.command())
                    .addKeyValue("containerID", req == null ? r.header("cni-containerid") : req.containerId())
                    .addKeyValue("code", e.code()).log("CNI request refused: " + e.getMessage());
            return Response.json(e.code() == CniException.TRY_AGAIN_LATER ? 503 : 400, CniResult.error(version, e));
        } catch (RuntimeException e) {
            LOG.atError().addKeyValue("command", req == null ? r.header("cni-command") : req.command())
                    .setCause(e).log("CNI request failed");
            return Response.json(500, CniResult.error(version,
                    new CniException(CniException.PLUMBING_FAILED, "porin agent failed: " + e.getMessage(), String.valueOf(e))));
        }
    }
}
