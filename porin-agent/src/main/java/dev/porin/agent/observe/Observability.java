// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.observe;

import dev.porin.agent.ObserveConfig;
import dev.porin.agent.api.FlowApi;
import dev.porin.agent.api.Router;
import dev.porin.api.v1.StatusModel;
import dev.porin.datapath.Datapath;
import dev.porin.datapath.events.RingBufferReader;
import dev.porin.labels.Label;
import dev.porin.labels.Labels;
import dev.porin.observe.EventPump;
import dev.porin.observe.FlowContext;
import dev.porin.observe.FlowListener;
import dev.porin.observe.FlowParser;
import dev.porin.observe.FlowRing;
import dev.porin.observe.NodeInfo;
import dev.porin.observe.ObserverService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Everything that turns datapath events into something a user sees: the event reader, the flow ring, the
 * flow and monitor API, and the Hubble-compatible gRPC server.
 */
public final class Observability implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Observability.class);

    /** Hubble's default cluster name, for flows' {@code cluster_name}. */
    public static final String CLUSTER = "default";

    private final FlowRing ring;
    private final NodeInfo node;
    private final EventPump pump;
    private final HubbleServer hubble;
    private final String hubbleAddress;

    private Observability(FlowRing ring, NodeInfo node, EventPump pump, HubbleServer hubble, String hubbleAddress) {
        this.ring = ring;
        this.node = node;
        this.pump = pump;
        this.hubble = hubble;
        this.hubbleAddress = hubbleAddress;
    }

    public static Observability start(ObserveConfig config, Datapath datapath, FlowContext context,
                                      List<FlowListener> listeners) {
        FlowRing ring = new FlowRing(config.flowBufferSize());
        NodeInfo node = new NodeInfo(config.nodeName(), CLUSTER,
                Labels.of(Label.k8s("kubernetes.io/hostname", config.nodeName())));
        EventPump pump = new EventPump(new RingBufferReader(datapath.events()), datapath.eventsLost()::total,
                new FlowParser(context), ring, listeners).start();
        HubbleServer hubble = null;
        String address = null;
        InetSocketAddress listen = config.hubbleAddress();
        long started = System.nanoTime();
        try {
            if (listen != null) {
                address = listen.getHostString() + ":" + listen.getPort();
                ObserverService service = new ObserverService(ring, node, address, () -> System.nanoTime() - started);
                hubble = HubbleServer.start(listen, service);
                address = listen.getHostString() + ":" + hubble.port();
                LOG.atInfo().addKeyValue("address", address).log("Hubble API listening");
            }
        } catch (RuntimeException e) {
            pump.close();
            throw e;
        }
        return new Observability(ring, node, pump, hubble, address);
    }

    public void register(Router router) {
        new FlowApi(ring, node).register(router);
    }

    public FlowRing ring() {
        return ring;
    }

    public NodeInfo node() {
        return node;
    }

    /** Datapath events read, and lost because the datapath's ring was full. */
    public long eventsReceived() {
        return pump.received();
    }

    public long eventsLost() {
        return pump.lost();
    }

    public StatusModel.Observability status(String metricsAddress) {
        return new StatusModel.Observability(hubbleAddress, metricsAddress, ring.size(), ring.capacity(), ring.end(),
                ObserverService.flowsPerSecond(ring, Duration.ofMinutes(1)), pump.received(), pump.lost());
    }

    @Override
    public void close() {
        if (hubble != null) {
            hubble.close();
        }
        pump.close();
    }
}
