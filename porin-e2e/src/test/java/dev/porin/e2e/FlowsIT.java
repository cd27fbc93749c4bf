// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e;

import dev.porin.api.v1.EndpointConfigChange;
import dev.porin.api.v1.EndpointModel;
import dev.porin.api.v1.StatusModel;
import dev.porin.e2e.harness.Tcp;
import dev.porin.e2e.harness.TestAgent;
import dev.porin.e2e.harness.TestPod;
import dev.porin.hubble.flow.DropReason;
import dev.porin.hubble.flow.Flow;
import dev.porin.hubble.flow.FlowFilter;
import dev.porin.hubble.flow.Policy;
import dev.porin.hubble.flow.TrafficDirection;
import dev.porin.hubble.flow.Verdict;
import dev.porin.hubble.observer.GetFlowsRequest;
import dev.porin.hubble.observer.GetFlowsResponse;
import dev.porin.hubble.observer.ObserverGrpc;
import dev.porin.hubble.observer.ServerStatusRequest;
import dev.porin.hubble.observer.ServerStatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Flows as Hubble clients see them: a client generated from Porin's .proto reads, over gRPC, what the
 * datapath did with real connections between pods under a real policy, with verdicts, reasons, pods,
 * identities and the policies that decided.
 */
class FlowsIT {

    private static final int PORT = 8080;
    private static final String POLICY = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata:
              name: client-to-server
              namespace: default
            spec:
              endpointSelector:
                matchLabels:
                  app: server
              ingress:
              - fromEndpoints:
                - matchLabels:
                    app: client
                toPorts:
                - ports:
                  - port: "8080"
                    protocol: TCP
            """;

    private static TestAgent agent;
    private static TestPod client;
    private static TestPod server;
    private static TestPod intruder;
    private static Tcp.Server echo;
    private static ManagedChannel channel;
    private static ObserverGrpc.ObserverBlockingStub observer;

    @BeforeAll
    static void start() {
        agent = TestAgent.start("10.202.7.0/24");
        client = TestPod.attached(agent, "client", Map.of("app", "client"));
        server = TestPod.attached(agent, "server", Map.of("app", "server"));
        intruder = TestPod.attached(agent, "intruder", Map.of("app", "intruder"));
        agent.client().call("POST", "/v1/resources?source=flows-it", POLICY.getBytes(StandardCharsets.UTF_8));
        echo = Tcp.serve(server.netnsPath(), PORT, "hello");
        StatusModel status = agent.client().get("/v1/status", StatusModel.class);
        String address = status.observability().hubbleAddress();
        int colon = address.lastIndexOf(':');
        channel = NettyChannelBuilder.forAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)))
                .usePlaintext().build();
        observer = ObserverGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void stop() {
        try {
            if (channel != null) {
                channel.shutdownNow();
            }
            if (echo != null) {
                echo.close();
            }
            for (TestPod p : new TestPod[] {intruder, server, client}) {
                if (p != null) {
                    p.close();
                }
            }
        } finally {
            if (agent != null) {
                agent.close();
            }
        }
    }

    @Test
    void aDeniedConnectionIsADroppedFlowNamingPodsIdentitiesAndThePolicy() {
        assertThat(Tcp.request(intruder.netnsPath(), server.ip(), PORT, Duration.ofMillis(700))).isNull();

        Flow drop = awaitFlow(filter().addSourcePod("default/intruder").addVerdict(Verdict.DROPPED));
        assertThat(drop.getDropReasonDesc()).isEqualTo(DropReason.POLICY_DENIED);
        assertThat(drop.getEventType().getType()).isEqualTo(1);
        assertThat(drop.getSource().getPodName()).isEqualTo("intruder");
        assertThat(drop.getSource().getNamespace()).isEqualTo("default");
        assertThat(drop.getSource().getIdentity()).isEqualTo(endpoint(intruder).identity());
        assertThat(drop.getSource().getLabelsList()).contains("k8s:app=intruder");
        assertThat(drop.getDestination().getPodName()).isEqualTo("server");
        assertThat(drop.getDestination().getIdentity()).isEqualTo(endpoint(server).identity());
        assertThat(drop.getIP().getSource()).isEqualTo(intruder.ip());
        assertThat(drop.getIP().getDestination()).isEqualTo(server.ip());
        assertThat(drop.getL4().getTCP().getDestinationPort()).isEqualTo(PORT);
        assertThat(drop.getL4().getTCP().getFlags().getSYN()).isTrue();
        assertThat(drop.getTrafficDirection()).isEqualTo(TrafficDirection.INGRESS);
        assertThat(drop.getIngressDeniedByList()).extracting(Policy::getName, Policy::getNamespace, Policy::getKind)
                .as("the policy that made the server default-deny")
                .containsExactly(org.assertj.core.groups.Tuple.tuple("client-to-server", "default", "CiliumNetworkPolicy"));
        assertThat(drop.getIngressDeniedBy(0).getLabelsList()).contains("porin:rule=default-deny");
        assertThat(drop.getSummary()).isEqualTo("TCP Flags: SYN");
    }

    @Test
    void anAllowedConnectionIsForwardedBothWaysWithRepliesMarked() {
        assertThat(Tcp.request(client.netnsPath(), server.ip(), PORT, Duration.ofSeconds(3))).isEqualTo("hello");

        Flow request = awaitFlow(filter().addSourcePod("default/client").addDestinationPod("default/server")
                .addVerdict(Verdict.FORWARDED).addEventType(dev.porin.hubble.flow.EventTypeFilter.newBuilder().setType(4)));
        assertThat(request.getIsReply().getValue()).isFalse();
        assertThat(request.hasIsReply()).isTrue();
        assertThat(request.getTraceObservationPointValue()).as("to-endpoint").isEqualTo(101);
        assertThat(request.getTrafficDirection()).isEqualTo(TrafficDirection.INGRESS);

        Flow reply = awaitFlow(filter().addSourcePod("default/server").addDestinationPod("default/client")
                .addVerdict(Verdict.FORWARDED).addReply(true));
        assertThat(reply.getIsReply().getValue()).isTrue();
        assertThat(reply.getL4().getTCP().getSourcePort()).isEqualTo(PORT);

        Flow verdict = awaitFlow(filter().addDestinationPod("default/server").addSourcePod("default/client")
                .addEventType(dev.porin.hubble.flow.EventTypeFilter.newBuilder().setType(5)));
        assertThat(verdict.getVerdict()).isEqualTo(Verdict.FORWARDED);
        assertThat(verdict.getPolicyMatchType()).as("L3-L4").isEqualTo(2);
        assertThat(verdict.getIngressAllowedByList()).extracting(Policy::getName).containsExactly("client-to-server");
        assertThat(verdict.getIngressAllowedBy(0).getLabelsList()).contains("porin:rule=rule 0 ingress[0]");
    }

    @Test
    void auditModeShowsWhatWouldHaveBeenDropped() {
        int id = endpoint(server).id();
        agent.client().send("PATCH", "/v1/endpoint/" + id + "/config", new EndpointConfigChange(true), EndpointModel.class);
        try {
            assertThat(Tcp.request(intruder.netnsPath(), server.ip(), PORT, Duration.ofSeconds(3))).isEqualTo("hello");
            Flow audit = awaitFlow(filter().addSourcePod("default/intruder").addVerdict(Verdict.AUDIT));
            assertThat(audit.getDestination().getPodName()).isEqualTo("server");
            assertThat(audit.getIngressDeniedByList()).extracting(Policy::getName).containsExactly("client-to-server");
        } finally {
            agent.client().send("PATCH", "/v1/endpoint/" + id + "/config", new EndpointConfigChange(false),
                    EndpointModel.class);
        }
    }

    @Test
    void followingStreamsNewFlowsAsTheyHappen() throws Exception {
        BlockingQueue<Flow> seen = new LinkedBlockingQueue<>();
        ObserverGrpc.ObserverStub async = ObserverGrpc.newStub(channel);
        var call = new io.grpc.stub.StreamObserver<GetFlowsResponse>() {
            @Override
            public void onNext(GetFlowsResponse r) {
                if (r.hasFlow()) {
                    seen.add(r.getFlow());
                }
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
        io.grpc.Context.CancellableContext ctx = io.grpc.Context.current().withCancellation();
        try {
            ctx.run(() -> async.getFlows(GetFlowsRequest.newBuilder().setFollow(true)
                    .addWhitelist(filter().addSourcePod("default/client").addDestinationPort(String.valueOf(PORT + 1)))
                    .build(), call));
            Thread.sleep(300);
            assertThat(seen).as("following starts at the newest flow").isEmpty();
            Tcp.request(client.netnsPath(), server.ip(), PORT + 1, Duration.ofMillis(500));
            Flow f = seen.poll(5, TimeUnit.SECONDS);
            assertThat(f).as("a flow streamed while following").isNotNull();
            assertThat(f.getL4().getTCP().getDestinationPort()).isEqualTo(PORT + 1);
            assertThat(f.getVerdict()).isEqualTo(Verdict.DROPPED);
        } finally {
            ctx.cancel(null);
        }
    }

    @Test
    void aFieldMaskKeepsOnlyTheFieldsAskedFor() {
        Tcp.request(client.netnsPath(), server.ip(), PORT, Duration.ofSeconds(3));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Iterator<GetFlowsResponse> it = observer.getFlows(GetFlowsRequest.newBuilder().setNumber(1)
                    .addWhitelist(filter().addSourcePod("default/client"))
                    .setFieldMask(com.google.protobuf.FieldMask.newBuilder().addPaths("verdict").addPaths("source.pod_name"))
                    .build());
            assertThat(it.hasNext()).isTrue();
            Flow f = it.next().getFlow();
            assertThat(f.getSource().getPodName()).isEqualTo("client");
            assertThat(f.getVerdict()).isNotEqualTo(Verdict.VERDICT_UNKNOWN);
            assertThat(f.hasDestination()).isFalse();
            assertThat(f.hasIP()).isFalse();
        });
    }

    @Test
    void serverStatusCountsFlows() {
        Tcp.request(client.netnsPath(), server.ip(), PORT, Duration.ofSeconds(3));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            ServerStatusResponse s = observer.serverStatus(ServerStatusRequest.getDefaultInstance());
            assertThat(s.getNumFlows()).isPositive();
            assertThat(s.getMaxFlows()).isEqualTo(16383);
            assertThat(s.getSeenFlows()).isGreaterThanOrEqualTo(s.getNumFlows());
            assertThat(s.getVersion()).startsWith("porin ");
        });
    }

    private static FlowFilter.Builder filter() {
        return FlowFilter.newBuilder();
    }

    /** The newest flow matching {@code f}, waiting for the datapath's batch to be read. */
    private static Flow awaitFlow(FlowFilter.Builder f) {
        List<Flow> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Iterator<GetFlowsResponse> it = observer.getFlows(GetFlowsRequest.newBuilder().setNumber(1)
                    .addWhitelist(f).build());
            found.clear();
            it.forEachRemaining(r -> {
                if (r.hasFlow()) {
                    found.add(r.getFlow());
                }
            });
            return !found.isEmpty();
        });
        return found.getLast();
    }

    private static EndpointModel endpoint(TestPod pod) {
        return agent.client().get("/v1/endpoint", new tools.jackson.core.type.TypeReference<List<EndpointModel>>() { })
                .stream().filter(e -> pod.name().equals(e.podName())).findFirst().orElseThrow();
    }
}
