// SPDX-License-Identifier: Apache-2.0
package dev.porin.testing;

import dev.porin.agent.state.IpamStore;
import dev.porin.datapath.maps.CtMap;
import dev.porin.datapath.maps.EndpointMap;
import dev.porin.datapath.maps.EndpointStatsMap;
import dev.porin.endpoint.EndpointManager;
import dev.porin.endpoint.EndpointRequest;
import dev.porin.endpoint.EndpointStore;
import dev.porin.net.Ipv4Prefix;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * An agent's endpoint machinery over fakes: real state files in {@code stateDir}, in-memory maps and pod
 * network. The maps and the network outlive {@link #restart()}, as pinned maps and veths outlive an agent.
 */
public final class FakeNode {

    public static final String NETWORK = "porin";
    public static final int MTU = 1500;
    public static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    private final Path stateDir;
    private final Ipv4Prefix cidr;
    private final FakePodNetwork network = new FakePodNetwork();
    private final MemoryKvMap<EndpointMap.Key, EndpointMap.Info> lxc;
    private final MemoryKvMap<Integer, EndpointStatsMap.Stats> stats = new MemoryKvMap<>(EndpointStatsMap.NAME, 1024);
    private final MemoryKvMap<CtMap.Key, CtMap.Entry> ct = new MemoryKvMap<>(CtMap.NAME, 1024);
    private IpamStore ipam;
    private EndpointManager endpoints;

    private FakeNode(Path stateDir, String cidr, int endpointMapSize) {
        this.stateDir = stateDir;
        this.cidr = Ipv4Prefix.parse(cidr);
        this.lxc = new MemoryKvMap<>(EndpointMap.NAME, endpointMapSize);
        open();
    }

    /** A fresh node with pod CIDR 10.200.0.0/24. */
    public static FakeNode start(Path stateDir) {
        return new FakeNode(stateDir, "10.200.0.0/24", 1024);
    }

    public static FakeNode start(Path stateDir, String cidr) {
        return new FakeNode(stateDir, cidr, 1024);
    }

    /** A node whose endpoint map holds at most {@code endpointMapSize} entries. */
    public static FakeNode start(Path stateDir, String cidr, int endpointMapSize) {
        return new FakeNode(stateDir, cidr, endpointMapSize);
    }

    /** A new agent over the same state directory, maps and network, having restored its endpoints. */
    public FakeNode restart() {
        reopen();
        endpoints.restore();
        return this;
    }

    /**
     * A new agent over the same state directory, maps and network that has not restored its endpoints yet:
     * the caller registers an observer, then calls {@code endpoints().restore()}, as the agent does.
     */
    public FakeNode reopen() {
        open();
        return this;
    }

    private void open() {
        ipam = IpamStore.open(ipamFile(), cidr);
        endpoints = new EndpointManager(new EndpointStore(endpointDir()), ipam, network, new EndpointMap(lxc),
                new EndpointStatsMap(stats), new CtMap(ct), MTU, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** ADD's request for {@code eth0} of a pod named after its container, in namespace {@code default}. */
    public static EndpointRequest request(String containerId) {
        return new EndpointRequest(containerId, "eth0", netns(containerId), NETWORK, "default", containerId,
                Map.of("app", "web"));
    }

    public static String netns(String containerId) {
        return "/var/run/netns/" + containerId;
    }

    public EndpointManager endpoints() {
        return endpoints;
    }

    public IpamStore ipam() {
        return ipam;
    }

    public FakePodNetwork network() {
        return network;
    }

    public MemoryKvMap<EndpointMap.Key, EndpointMap.Info> endpointMap() {
        return lxc;
    }

    public MemoryKvMap<Integer, EndpointStatsMap.Stats> statsMap() {
        return stats;
    }

    public MemoryKvMap<CtMap.Key, CtMap.Entry> ctMap() {
        return ct;
    }

    public Path ipamFile() {
        return stateDir.resolve("ipam.json");
    }

    public Path endpointDir() {
        return stateDir.resolve("endpoints");
    }
}
