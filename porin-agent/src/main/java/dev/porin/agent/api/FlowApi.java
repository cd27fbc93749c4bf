// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.api;

import com.google.protobuf.FieldMask;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.porin.agent.observe.MonitorEvents;
import dev.porin.api.Json;
import dev.porin.hubble.observer.GetFlowsRequest;
import dev.porin.observe.Flow;
import dev.porin.observe.FlowEvent;
import dev.porin.observe.FlowJson;
import dev.porin.observe.FlowProtos;
import dev.porin.observe.FlowQuery;
import dev.porin.observe.FlowRing;
import dev.porin.observe.NodeInfo;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Flows and datapath events, streamed as newline-delimited JSON.
 *
 * <ul>
 *   <li>{@code POST /v1/flows}: body a Hubble {@code GetFlowsRequest} in protobuf JSON; answer one
 *       {@code GetFlowsResponse} per line, with protobuf field names, as {@code hubble observe -o json}
 *       prints them.</li>
 *   <li>{@code GET /v1/monitor?type=drop&type=trace&related-to=ID}: live events from now on, as
 *       {@link dev.porin.api.v1.MonitorEventModel} lines.</li>
 * </ul>
 */
public final class FlowApi {

    private static final Set<String> TYPES = Set.of("drop", "trace", "policy-verdict");

    private final FlowRing ring;
    private final NodeInfo node;

    public FlowApi(FlowRing ring, NodeInfo node) {
        this.ring = ring;
        this.node = node;
    }

    public void register(Router router) {
        router.post("/v1/flows", this::flows);
        router.get("/v1/monitor", this::monitor);
    }

    private Response flows(Request req) {
        GetFlowsRequest.Builder b = GetFlowsRequest.newBuilder();
        try {
            if (req.body().length > 0) {
                JsonFormat.parser().merge(new String(req.body(), StandardCharsets.UTF_8), b);
            }
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("GetFlowsRequest: " + e.getMessage());
        }
        GetFlowsRequest request = b.build();
        FlowQuery query = new FlowQuery(ring, request, node);
        FieldMask mask = FlowProtos.mask(request);
        return Response.stream(Response.NDJSON, out -> query.run(new FlowQuery.Sink() {
            @Override
            public boolean accept(FlowEvent event) {
                return out.write(line(FlowJson.print(FlowProtos.response(event, node, mask))));
            }

            @Override
            public boolean open() {
                return out.open();
            }
        }));
    }

    private Response monitor(Request req) {
        Set<String> types = new TreeSet<>(req.query().getOrDefault("type", List.of()));
        for (String t : types) {
            if (!TYPES.contains(t)) {
                throw new IllegalArgumentException("type: unknown event type '" + t + "' (expected drop, trace or policy-verdict)");
            }
        }
        String related = req.queryParam("related-to");
        int endpoint;
        try {
            endpoint = related == null ? 0 : Integer.parseInt(related);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("related-to: '" + related + "' is not an endpoint ID");
        }
        GetFlowsRequest follow = GetFlowsRequest.newBuilder().setFollow(true).build();
        FlowQuery query = new FlowQuery(ring, follow, node);
        return Response.stream(Response.NDJSON, out -> query.run(new FlowQuery.Sink() {
            @Override
            public boolean accept(FlowEvent event) {
                if (event instanceof Flow f) {
                    if (!types.isEmpty() && !types.contains(MonitorEvents.type(f))) {
                        return true;
                    }
                    if (endpoint != 0 && f.reporter() != endpoint && f.source().id() != endpoint
                            && f.destination().id() != endpoint) {
                        return true;
                    }
                }
                return out.write(line(Json.MAPPER.writeValueAsString(MonitorEvents.of(event))));
            }

            @Override
            public boolean open() {
                return out.open();
            }
        }));
    }

    private static byte[] line(String json) {
        return (json + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
