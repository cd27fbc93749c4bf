// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import com.google.protobuf.FieldMask;
import dev.porin.api.Version;
import dev.porin.hubble.observer.GetFlowsRequest;
import dev.porin.hubble.observer.GetFlowsResponse;
import dev.porin.hubble.observer.GetNamespacesRequest;
import dev.porin.hubble.observer.GetNamespacesResponse;
import dev.porin.hubble.observer.GetNodesRequest;
import dev.porin.hubble.observer.GetNodesResponse;
import dev.porin.hubble.observer.Namespace;
import dev.porin.hubble.observer.Node;
import dev.porin.hubble.observer.ObserverGrpc;
import dev.porin.hubble.observer.ServerStatusRequest;
import dev.porin.hubble.observer.ServerStatusResponse;
import dev.porin.hubble.observer.TLS;
import dev.porin.hubble.relay.NodeState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Hubble's {@code observer.Observer} service over the flow ring, so that Hubble clients read Porin's flows.
 * One node, no relay: {@code GetNodes} answers with this node alone.
 */
public final class ObserverService extends ObserverGrpc.ObserverImplBase {

    private final FlowRing ring;
    private final NodeInfo node;
    private final String address;
    private final LongSupplier uptimeNanos;

    /** @param address where this service listens, as {@code GetNodes} reports it */
    public ObserverService(FlowRing ring, NodeInfo node, String address, LongSupplier uptimeNanos) {
        this.ring = ring;
        this.node = node;
        this.address = address;
        this.uptimeNanos = uptimeNanos;
    }

    @Override
    public void getFlows(GetFlowsRequest request, StreamObserver<GetFlowsResponse> out) {
        FlowQuery query;
        FieldMask mask;
        try {
            query = new FlowQuery(ring, request, node);
            mask = FlowProtos.mask(request);
        } catch (IllegalArgumentException e) {
            out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        }
        ServerCallStreamObserver<GetFlowsResponse> call = (ServerCallStreamObserver<GetFlowsResponse>) out;
        // A slow client makes the query wait (and, when the ring overtakes it, see lost-events markers);
        // flows are never buffered for it without bound.
        Object ready = new Object();
        Runnable wake = () -> {
            synchronized (ready) {
                ready.notifyAll();
            }
        };
        call.setOnReadyHandler(wake);
        call.setOnCancelHandler(wake);
        try {
            query.run(new FlowQuery.Sink() {
                @Override
                public boolean accept(FlowEvent event) {
                    try {
                        if (!awaitReady(call, ready)) {
                            return false;
                        }
                        call.onNext(FlowProtos.response(event, node, mask));
                        return true;
                    } catch (StatusRuntimeException cancelled) {
                        return false;
                    }
                }

                @Override
                public boolean open() {
                    return !call.isCancelled();
                }
            });
            if (!call.isCancelled()) {
                call.onCompleted();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (!call.isCancelled()) {
                out.onError(Status.CANCELLED.withDescription("server shutting down").asRuntimeException());
            }
        }
    }

    /** Waits until the transport takes more; false if the client went away. */
    private static boolean awaitReady(ServerCallStreamObserver<?> call, Object ready) {
        synchronized (ready) {
            while (!call.isReady()) {
                if (call.isCancelled()) {
                    return false;
                }
                try {
                    ready.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return !call.isCancelled();
    }

    @Override
    public void serverStatus(ServerStatusRequest request, StreamObserver<ServerStatusResponse> out) {
        out.onNext(ServerStatusResponse.newBuilder()
                .setNumFlows(ring.size())
                .setMaxFlows(ring.capacity())
                .setSeenFlows(ring.end())
                .setUptimeNs(uptimeNanos.getAsLong())
                .setVersion(version())
                .setFlowsRate(flowsPerSecond(ring, Duration.ofMinutes(1)))
                .build());
        out.onCompleted();
    }

    @Override
    public void getNodes(GetNodesRequest request, StreamObserver<GetNodesResponse> out) {
        out.onNext(GetNodesResponse.newBuilder().addNodes(Node.newBuilder()
                .setName(node.name())
                .setVersion(version())
                .setAddress(address)
                .setState(NodeState.NODE_CONNECTED)
                .setTls(TLS.newBuilder().setEnabled(false))
                .setUptimeNs(uptimeNanos.getAsLong())
                .setNumFlows(ring.size())
                .setMaxFlows(ring.capacity())
                .setSeenFlows(ring.end()))
                .build());
        out.onCompleted();
    }

    /** Namespaces of pods seen in flows of the last hour. */
    @Override
    public void getNamespaces(GetNamespacesRequest request, StreamObserver<GetNamespacesResponse> out) {
        long since = System.currentTimeMillis() * 1_000_000L - Duration.ofHours(1).toNanos();
        Set<String> namespaces = new TreeSet<>();
        for (long seq = ring.end() - 1; seq >= ring.start(); seq--) {
            if (ring.get(seq) instanceof Flow f && f.time() >= since) {
                if (f.source().isPod()) {
                    namespaces.add(f.source().namespace());
                }
                if (f.destination().isPod()) {
                    namespaces.add(f.destination().namespace());
                }
            }
        }
        GetNamespacesResponse.Builder b = GetNamespacesResponse.newBuilder();
        namespaces.forEach(ns -> b.addNamespaces(Namespace.newBuilder().setCluster(node.cluster()).setNamespace(ns)));
        out.onNext(b.build());
        out.onCompleted();
    }

    /** Flows per second over the last {@code window}, from the flows still in the ring. */
    public static double flowsPerSecond(FlowRing ring, Duration window) {
        long now = System.currentTimeMillis() * 1_000_000L;
        long since = now - window.toNanos();
        long n = 0;
        for (long seq = ring.end() - 1; seq >= ring.start(); seq--) {
            FlowEvent e = ring.get(seq);
            if (e == null || e.time() < since) {
                break;
            }
            if (e instanceof Flow) {
                n++;
            }
        }
        return n / (double) window.toSeconds();
    }

    private static String version() {
        return "porin " + Version.current();
    }
}
