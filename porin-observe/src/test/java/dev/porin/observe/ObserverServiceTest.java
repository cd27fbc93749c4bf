// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import dev.porin.hubble.flow.FlowFilter;
import dev.porin.hubble.flow.LostEventSource;
import dev.porin.hubble.flow.Verdict;
import dev.porin.hubble.observer.GetFlowsRequest;
import dev.porin.hubble.observer.GetFlowsResponse;
import dev.porin.hubble.observer.GetNamespacesRequest;
import dev.porin.hubble.observer.GetNodesRequest;
import dev.porin.hubble.observer.Namespace;
import dev.porin.hubble.observer.Node;
import dev.porin.hubble.observer.ObserverGrpc;
import dev.porin.hubble.observer.ServerStatusRequest;
import dev.porin.hubble.observer.ServerStatusResponse;
import dev.porin.hubble.relay.NodeState;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static dev.porin.observe.FlowBuilder.flow;
import static dev.porin.observe.Fixtures.DEV;
import static dev.porin.observe.Fixtures.NODE;
import static dev.porin.observe.Fixtures.WORLD_EP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Observer service through a real gRPC server and client, in process. */
class ObserverServiceTest {

    private static final long UPTIME = 123_456_789L;

    private final FlowRing ring = new FlowRing(31);
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private Server server;
    private ManagedChannel channel;
    private ObserverGrpc.ObserverBlockingStub observer;

    @BeforeEach
    void start() throws IOException {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name)
                .addService(new ObserverService(ring, NODE, "127.0.0.1:4244", () -> UPTIME))
                .executor(handlers)
                .build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        observer = ObserverGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        handlers.shutdownNow();
    }

    private static long now() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private static List<GetFlowsResponse> all(Iterator<GetFlowsResponse> it) {
        List<GetFlowsResponse> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private List<Flow> addFlows(int n) {
        List<Flow> added = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Flow f = (i % 2 == 0 ? flow() : FlowBuilder.drop(133)).time(now() - (n - i) * 1_000_000L).build();
            ring.add(f);
            added.add(f);
        }
        ring.publish();
        return added;
    }

    @Test
    void getFlowsStreamsTheLastFlowsInHubblesForm() {
        List<Flow> flows = addFlows(5);
        List<GetFlowsResponse> got = all(observer.getFlows(GetFlowsRequest.newBuilder().setNumber(3).build()));
        assertThat(got).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(got.get(i)).isEqualTo(FlowProtos.response(flows.get(2 + i), NODE));
            assertThat(got.get(i).getNodeName()).isEqualTo("node-1");
        }
    }

    @Test
    void getFlowsAppliesWhitelistAndBlacklist() {
        addFlows(6);
        GetFlowsRequest dropsOnly = GetFlowsRequest.newBuilder()
                .addWhitelist(FlowFilter.newBuilder().addVerdict(Verdict.DROPPED))
                .build();
        assertThat(all(observer.getFlows(dropsOnly))).hasSize(3)
                .allMatch(r -> r.getFlow().getVerdict() == Verdict.DROPPED);
        GetFlowsRequest noDrops = GetFlowsRequest.newBuilder().setNumber(10)
                .addBlacklist(FlowFilter.newBuilder().addVerdict(Verdict.DROPPED))
                .build();
        assertThat(all(observer.getFlows(noDrops))).hasSize(3)
                .allMatch(r -> r.getFlow().getVerdict() == Verdict.FORWARDED);
    }

    @Test
    void getFlowsSendsLostEventMarkers() {
        ring.add(new LostEvents(now(), LostEventSource.PERF_EVENT_RING_BUFFER, 12));
        List<GetFlowsResponse> got = all(observer.getFlows(GetFlowsRequest.getDefaultInstance()));
        assertThat(got).singleElement().satisfies(r -> {
            assertThat(r.getLostEvents().getNumEventsLost()).isEqualTo(12);
            assertThat(r.getLostEvents().getSource()).isEqualTo(LostEventSource.PERF_EVENT_RING_BUFFER);
        });
    }

    @Test
    void aBadFilterIsAnInvalidArgumentNamingTheField() {
        GetFlowsRequest bad = GetFlowsRequest.newBuilder()
                .addWhitelist(FlowFilter.newBuilder().addSourceIp("10.0.0.300")).build();
        assertThatThrownBy(() -> all(observer.getFlows(bad)))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).startsWith("source_ip").contains("10.0.0.300");
                });
    }

    @Test
    void celIsAnInvalidArgument() {
        GetFlowsRequest cel = GetFlowsRequest.newBuilder().addWhitelist(FlowFilter.newBuilder()
                .setExperimental(FlowFilter.Experimental.newBuilder().addCelExpression("true"))).build();
        assertThatThrownBy(() -> all(observer.getFlows(cel)))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    @Test
    @Timeout(20)
    void followingStreamsNewFlowsUntilTheClientCancels() throws Exception {
        addFlows(2);
        try (Context.CancellableContext call = Context.current().withCancellation()) {
            Iterator<GetFlowsResponse> it = call.call(() ->
                    observer.getFlows(GetFlowsRequest.newBuilder().setNumber(1).setFollow(true).build()));
            assertThat(it.next().getFlow().getVerdict()).isEqualTo(Verdict.DROPPED);
            ring.add(flow().source(DEV).time(now()).build());
            ring.publish();
            assertThat(it.next().getFlow().getSource().getPodName()).isEqualTo(DEV.podName());
            call.cancel(null);
        }
        // The handler noticed and returned: its thread comes free.
        handlers.shutdown();
        assertThat(handlers.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void serverStatusCountsTheRing() {
        addFlows(40);
        ServerStatusResponse s = observer.serverStatus(ServerStatusRequest.getDefaultInstance());
        assertThat(s.getNumFlows()).isEqualTo(31);
        assertThat(s.getMaxFlows()).isEqualTo(31);
        assertThat(s.getSeenFlows()).isEqualTo(40);
        assertThat(s.getUptimeNs()).isEqualTo(UPTIME);
        assertThat(s.getVersion()).startsWith("porin ");
        assertThat(s.getFlowsRate()).as("the 31 flows still held came in the last minute")
                .isCloseTo(31 / 60.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void theFlowRateCountsOnlyTheLastMinute() {
        ring.add(flow().time(now() - 120_000_000_000L).build());
        ring.add(flow().time(now() - 90_000_000_000L).build());
        ring.add(flow().time(now() - 1_000_000_000L).build());
        ring.add(new LostEvents(now(), LostEventSource.PERF_EVENT_RING_BUFFER, 3));
        assertThat(observer.serverStatus(ServerStatusRequest.getDefaultInstance()).getFlowsRate())
                .isCloseTo(1 / 60.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void getNodesAnswersWithThisNode() {
        addFlows(3);
        List<Node> nodes = observer.getNodes(GetNodesRequest.getDefaultInstance()).getNodesList();
        assertThat(nodes).singleElement().satisfies(n -> {
            assertThat(n.getName()).isEqualTo("node-1");
            assertThat(n.getAddress()).isEqualTo("127.0.0.1:4244");
            assertThat(n.getState()).isEqualTo(NodeState.NODE_CONNECTED);
            assertThat(n.getTls().getEnabled()).isFalse();
            assertThat(n.getVersion()).startsWith("porin ");
            assertThat(n.getUptimeNs()).isEqualTo(UPTIME);
            assertThat(n.getNumFlows()).isEqualTo(3);
            assertThat(n.getMaxFlows()).isEqualTo(31);
            assertThat(n.getSeenFlows()).isEqualTo(3);
        });
    }

    @Test
    void getNamespacesListsPodNamespacesSeenInTheLastHour() {
        ring.add(flow().time(now() - 2 * 3_600_000_000_000L)
                .source(Fixtures.pod(20, 2000, "old", "gone", "app=x")).build());
        ring.add(flow().time(now()).build()); // prod to prod
        ring.add(flow().time(now()).source(WORLD_EP).destination(DEV).build());
        List<Namespace> ns = observer.getNamespaces(GetNamespacesRequest.getDefaultInstance()).getNamespacesList();
        assertThat(ns).extracting(Namespace::getNamespace).containsExactly("dev", "prod");
        assertThat(ns).extracting(Namespace::getCluster).containsOnly("prod-cluster");
    }
}
