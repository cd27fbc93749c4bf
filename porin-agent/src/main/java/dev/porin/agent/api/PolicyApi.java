// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.api;

import dev.porin.agent.policy.PolicyManager;
import dev.porin.agent.policy.PolicyTraces;
import dev.porin.api.Json;
import dev.porin.api.v1.ApplyResult;
import dev.porin.api.v1.EndpointPolicyModel;
import dev.porin.api.v1.IdentityModel;
import dev.porin.api.v1.PolicyList;
import dev.porin.api.v1.TraceRequest;
import dev.porin.identity.Identity;
import dev.porin.k8s.Resource;
import dev.porin.k8s.ResourceKey;
import dev.porin.policy.Enforcement;
import dev.porin.policy.PolicyEngine;
import dev.porin.policy.api.PolicyValidationException;
import dev.porin.policy.api.RuleRef;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;

/**
 * The policy side of the API: applying and deleting objects, listing policies and identities, an
 * endpoint's policy map with attribution, and traces.
 */
public final class PolicyApi {

    private final PolicyManager policy;

    public PolicyApi(PolicyManager policy) {
        this.policy = policy;
    }

    public void register(Router router) {
        router.post("/v1/resources", r -> Response.ok(result(apply(r))));
        router.delete("/v1/resources", r -> Response.ok(result(delete(r))));
        router.get("/v1/policy", r -> Response.ok(policies()));
        router.delete("/v1/policy", r -> Response.ok(result(deletePolicy(r))));
        router.post("/v1/policy/trace", r -> Response.ok(PolicyTraces.trace(policy,
                Json.MAPPER.readValue(r.body(), TraceRequest.class))));
        router.get("/v1/identity", r -> Response.ok(policy.read(() -> policy.engine().identities().stream()
                .sorted(Comparator.comparingInt(Identity::id)).map(PolicyApi::identity).toList())));
        router.get("/v1/identity/{id}", r -> {
            int id = EndpointApi.parseId(r.pathParam("id"));
            return Response.ok(identity(policy.read(() -> policy.engine().identity(id))
                    .orElseThrow(() -> ApiException.notFound("identity " + id))));
        });
        router.get("/v1/endpoint/{id}/policy", r -> Response.ok(endpointPolicy(EndpointApi.parseId(r.pathParam("id")))));
    }

    private PolicyManager.Applied apply(Request r) {
        try {
            return policy.apply(new String(r.body(), StandardCharsets.UTF_8), source(r));
        } catch (PolicyValidationException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private PolicyManager.Applied delete(Request r) {
        try {
            return policy.delete(new String(r.body(), StandardCharsets.UTF_8), source(r));
        } catch (PolicyValidationException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static String source(Request r) {
        String s = r.queryParam("source");
        return s == null || s.isBlank() ? "request" : s;
    }

    /** {@code ?all=true}, or {@code ?name=N[&namespace=NS][&kind=K]}: every policy kind with that name. */
    private PolicyManager.Applied deletePolicy(Request r) {
        boolean all = "true".equals(r.queryParam("all"));
        String name = r.queryParam("name");
        String namespace = r.queryParam("namespace");
        String kind = r.queryParam("kind");
        if (!all && (name == null || name.isBlank())) {
            throw ApiException.badRequest("name a policy to delete, or ask for all");
        }
        List<ResourceKey> keys = policy.resources().stream()
                .filter(res -> res instanceof Resource.PolicyResource)
                .map(Resource::key)
                .filter(k -> all || (k.name().equals(name)
                        && (kind == null || k.kind().equalsIgnoreCase(kind))
                        && (namespace == null || namespace.equals(k.namespace()) || k.namespace() == null)))
                .toList();
        if (keys.isEmpty() && !all) {
            throw ApiException.notFound("policy " + (namespace == null ? "" : namespace + "/") + name);
        }
        return policy.delete(keys);
    }

    private ApplyResult result(PolicyManager.Applied applied) {
        return new ApplyResult(applied.objects().stream().map(o -> new ApplyResult.ObjectResult(o.key().kind(),
                o.key().namespace(), o.key().name(), o.action().toString())).toList(),
                policy.read(() -> policy.engine().revision()),
                new ApplyResult.Timing(applied.parseNanos() / 1000, applied.storeNanos() / 1000,
                        applied.resolveNanos() / 1000, applied.datapathNanos() / 1000, applied.saveNanos() / 1000,
                        applied.entriesChanged()));
    }

    private PolicyList policies() {
        return policy.read(() -> new PolicyList(policy.resources().stream()
                .filter(r -> r instanceof Resource.PolicyResource)
                .map(r -> ((Resource.PolicyResource) r).document()).toList(), policy.engine().revision()));
    }

    static IdentityModel identity(Identity i) {
        return new IdentityModel(i.id(), i.labels().strings());
    }

    private EndpointPolicyModel endpointPolicy(int endpoint) {
        return policy.read(() -> {
            PolicyEngine engine = policy.engine();
            int identity = engine.endpointIdentity(endpoint)
                    .orElseThrow(() -> ApiException.notFound("endpoint " + endpoint)).id();
            Enforcement e = engine.enforcement(endpoint);
            List<EndpointPolicyModel.Entry> entries = engine.entries(endpoint).entrySet().stream()
                    .map(en -> new EndpointPolicyModel.Entry(en.getValue().deny() ? "Deny" : "Allow",
                            en.getKey().direction().title(), en.getKey().identity(),
                            en.getKey().identity() == 0 ? List.of("reserved:unknown")
                                    : engine.identity(en.getKey().identity()).map(i -> i.labels().strings())
                                    .orElse(List.of()),
                            en.getKey().portProtocol(), en.getKey().prefixLength(), en.getValue().cookie(),
                            engine.attribution(en.getValue().cookie()).stream().map(RuleRef::toString).toList()))
                    .toList();
            return new EndpointPolicyModel(endpoint, identity, new EndpointPolicyModel.Enforcement(e.ingress(),
                    e.egress(), policy.globalAudit(), names(e.ingressBy()), names(e.egressBy())), entries,
                    policy.policyMapMaxEntries(), policy.overflow(endpoint), engine.revision());
        });
    }

    private static List<String> names(java.util.SortedSet<dev.porin.policy.api.PolicyOrigin> origins) {
        return origins.stream().map(Object::toString).toList();
    }
}
