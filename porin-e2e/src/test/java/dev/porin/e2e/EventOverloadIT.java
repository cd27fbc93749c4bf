// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e;

import dev.porin.api.v1.StatusModel;
import dev.porin.datapath.netns.NetNs;
import dev.porin.e2e.harness.Cmd;
import dev.porin.e2e.harness.Tcp;
import dev.porin.e2e.harness.TestAgent;
import dev.porin.e2e.harness.TestPod;
import dev.porin.hubble.flow.LostEventSource;
import dev.porin.hubble.observer.GetFlowsRequest;
import dev.porin.hubble.observer.GetFlowsResponse;
import dev.porin.hubble.observer.ObserverGrpc;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events must never slow the datapath. With an event for every packet and a reader that does not drain at
 * all (the agent is frozen with SIGSTOP), a flood fills the datapath's event ring: packets keep flowing, the
 * events that did not fit are counted, and once the agent runs again it reports them in its status and as
 * a lost-events marker among the flows, and its memory stays bounded.
 */
class EventOverloadIT {

    private static final int UDP_PORT = 9999;
    private static final int TCP_PORT = 8080;
    /** The datapath's event ring holds about 21 000 trace events; send several times that. */
    private static final int FLOOD = 150_000;
    private static final long MAX_RSS_BYTES = 700L << 20;

    private static TestAgent agent;
    private static TestPod a;
    private static TestPod b;

    @BeforeAll
    static void start() {
        agent = TestAgent.start("10.202.8.0/24", "--monitor-aggregation", "none");
        a = TestPod.attached(agent, "a", Map.of("app", "a"));
        b = TestPod.attached(agent, "b", Map.of("app", "b"));
    }

    @AfterAll
    static void stop() {
        try {
            if (agent != null && agent.isRunning()) {
                Cmd.run("kill", "-CONT", String.valueOf(agent.pid()));
            }
            if (b != null) {
                b.close();
            }
            if (a != null) {
                a.close();
            }
        } finally {
            if (agent != null) {
                agent.close();
            }
        }
    }

    @Test
    void aFrozenReaderLosesCountedEventsButNeverPackets() throws Exception {
        long lostBefore = status().observability().eventsLost();
        AtomicLong received = new AtomicLong();
        AtomicBoolean receiving = new AtomicBoolean(true);
        DatagramChannel sink = NetNs.call(b.netnsPath(), () -> DatagramChannel.open()
                .setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20).bind(new InetSocketAddress(UDP_PORT)));
        Thread counter = Thread.ofVirtual().start(() -> count(sink, received, receiving));

        Cmd.check("kill", "-STOP", String.valueOf(agent.pid()));
        try {
            long sent = blast(a.netnsPath(), b.ip(), UDP_PORT, FLOOD);
            await().atMost(Duration.ofSeconds(10)).until(() -> received.get() >= sent * 99 / 100);
            assertThat(received.get()).as("datagrams delivered while nobody reads events").isGreaterThanOrEqualTo(sent * 99 / 100);
            try (Tcp.Server server = Tcp.serve(b.netnsPath(), TCP_PORT, "still here")) {
                assertThat(Tcp.request(a.netnsPath(), b.ip(), TCP_PORT, Duration.ofSeconds(3)))
                        .as("a new connection while the event ring is full").isEqualTo("still here");
            }
        } finally {
            Cmd.check("kill", "-CONT", String.valueOf(agent.pid()));
            receiving.set(false);
            sink.close();
            counter.join();
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(status().observability().eventsLost() - lostBefore)
                        .as("events the full ring could not take").isGreaterThan(FLOOD / 2));
        StatusModel.Observability o = status().observability();
        assertThat(o.flows()).isLessThanOrEqualTo(o.maxFlows());

        List<GetFlowsResponse> markers = lostMarkers();
        assertThat(markers).as("a lost-events marker among the flows").isNotEmpty();
        assertThat(markers.getFirst().getLostEvents().getSource()).isEqualTo(LostEventSource.PERF_EVENT_RING_BUFFER);
        assertThat(markers.stream().mapToLong(m -> m.getLostEvents().getNumEventsLost()).sum())
                .isEqualTo(o.eventsLost() - lostBefore);

        String metrics = scrape(o.metricsAddress());
        assertThat(metric(metrics, "porin_datapath_events_lost_total")).isEqualTo(o.eventsLost());
        assertThat(metric(metrics, "hubble_lost_events_total{source=\"perf_event_ring_buffer\"}"))
                .isEqualTo(o.eventsLost() - lostBefore);

        assertThat(rss(agent.pid())).as("agent resident memory").isLessThan(MAX_RSS_BYTES);
    }

    private static String scrape(String address) throws Exception {
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + address + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    /** The value of one sample, by its name and labels as the exposition format writes them. */
    private static long metric(String text, String sample) {
        return text.lines().filter(l -> l.startsWith(sample + " ")).findFirst()
                .map(l -> (long) Double.parseDouble(l.substring(sample.length() + 1).split(" ")[0]))
                .orElseThrow(() -> new AssertionError("no sample " + sample + " in\n" + text));
    }

    private static List<GetFlowsResponse> lostMarkers() {
        String address = status().observability().hubbleAddress();
        int colon = address.lastIndexOf(':');
        ManagedChannel channel = NettyChannelBuilder.forAddress(address.substring(0, colon),
                Integer.parseInt(address.substring(colon + 1))).usePlaintext().build();
        try {
            List<GetFlowsResponse> out = new ArrayList<>();
            ObserverGrpc.newBlockingStub(channel).getFlows(GetFlowsRequest.newBuilder().setFirst(true).build())
                    .forEachRemaining(r -> {
                        if (r.hasLostEvents()) {
                            out.add(r);
                        }
                    });
            return out;
        } finally {
            channel.shutdownNow();
        }
    }

    /** Sends {@code n} small datagrams as fast as the socket takes them; returns how many were sent. */
    private static long blast(Path netns, String ip, int port, int n) throws Exception {
        try (DatagramChannel ch = NetNs.call(netns, DatagramChannel::open)) {
            ch.connect(new InetSocketAddress(ip, port));
            ByteBuffer payload = ByteBuffer.allocate(16);
            long sent = 0;
            for (int i = 0; i < n; i++) {
                payload.clear();
                payload.putLong(0, i);
                try {
                    sent += ch.write(payload) > 0 ? 1 : 0;
                } catch (IOException e) {
                    // ENOBUFS under pressure: the packet never reached the datapath; not counted.
                }
                if (i % 2000 == 0) {
                    Thread.sleep(1); // stay within the receiver's socket buffer
                }
            }
            return sent;
        }
    }

    private static void count(DatagramChannel ch, AtomicLong received, AtomicBoolean running) {
        ByteBuffer b = ByteBuffer.allocate(64);
        while (running.get()) {
            try {
                b.clear();
                if (ch.receive(b) != null) {
                    received.incrementAndGet();
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private static StatusModel status() {
        return agent.client().get("/v1/status", StatusModel.class);
    }

    private static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }
}
