// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath;

import dev.porin.datapath.events.EventsLostCounter;
import dev.porin.datapath.libbpf.BpfMap;
import dev.porin.datapath.libbpf.BpfObject;
import dev.porin.datapath.libbpf.BpfProgram;
import dev.porin.datapath.libbpf.MapSpec;
import dev.porin.datapath.libbpf.Tc;
import dev.porin.datapath.maps.CtMap;
import dev.porin.datapath.maps.EndpointMap;
import dev.porin.datapath.maps.EndpointStatsMap;
import dev.porin.datapath.maps.IpCacheMap;
import dev.porin.datapath.maps.MetricsMap;
import dev.porin.datapath.maps.NodeConfigMap;
import dev.porin.datapath.maps.PolicyMaps;
import dev.porin.datapath.sys.BpfFs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * The loaded datapath of a node: {@code bpf_lxc}'s programs and its maps, pinned under one bpffs
 * directory. Loading reuses maps already pinned there, so endpoints, conntrack and counters survive an
 * agent restart; the fresh programs then replace the old ones on each veth atomically.
 */
public final class Datapath implements AutoCloseable {

    public static final String FROM_CONTAINER = "from_container";
    public static final String TO_CONTAINER = "to_container";
    public static final String EVENTS = "porin_events";
    public static final String EVENTS_LOST = "porin_events_lost";

    private static final Logger LOG = LoggerFactory.getLogger(Datapath.class);

    private final BpfObject lxc;
    private final Path pinRoot;
    private final BpfProgram fromContainer;
    private final BpfProgram toContainer;
    private final EndpointMap endpoints;
    private final EndpointStatsMap endpointStats;
    private final CtMap conntrack;
    private final MetricsMap metrics;
    private final IpCacheMap ipcache;
    private final NodeConfigMap nodeConfig;
    private final PolicyMaps policyMaps;
    private final BpfMap events;
    private final BpfMap eventsLost;
    private final List<BpfMap> maps;

    private Datapath(BpfObject lxc, Path pinRoot, int policyMapEntries) {
        this.lxc = lxc;
        this.pinRoot = pinRoot;
        this.fromContainer = lxc.program(FROM_CONTAINER);
        this.toContainer = lxc.program(TO_CONTAINER);
        BpfMap lxcMap = lxc.map(EndpointMap.NAME);
        BpfMap statsMap = lxc.map(EndpointStatsMap.NAME);
        BpfMap ctMap = lxc.map(CtMap.NAME);
        BpfMap metricsMap = lxc.map(MetricsMap.NAME);
        BpfMap ipcacheMap = lxc.map(IpCacheMap.NAME);
        BpfMap policyMap = lxc.map(PolicyMaps.NAME);
        this.endpoints = EndpointMap.of(lxcMap);
        this.endpointStats = EndpointStatsMap.of(statsMap);
        this.conntrack = CtMap.of(ctMap);
        this.metrics = MetricsMap.of(metricsMap);
        this.ipcache = IpCacheMap.of(ipcacheMap);
        this.nodeConfig = NodeConfigMap.of(lxc.map(NodeConfigMap.NAME));
        this.policyMaps = new PolicyMaps(policyMap, policyMapEntries);
        this.events = lxc.map(EVENTS);
        this.eventsLost = lxc.map(EVENTS_LOST);
        // The counters are arrays: every index exists, so they have no fill level.
        this.maps = List.of(lxcMap, ctMap, ipcacheMap, policyMap);
    }

    /**
     * Loads the datapath with its maps pinned under {@code pinRoot} (mounting bpffs first if needed), and
     * pins the programs there too so that bpftool users find them.
     */
    public static Datapath load(DatapathConfig config, Path pinRoot, int ctMaxEntries, int policyMapEntries) {
        BpfFs.ensureMounted(pinRoot);
        try {
            Files.createDirectories(pinRoot);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + pinRoot, e);
        }
        BpfObject lxc = BpfObject.open(DatapathObjects.LXC, DatapathObjects.elf(DatapathObjects.LXC), pinRoot);
        try (Arena arena = Arena.ofConfined(); BpfMap template = PolicyMaps.template(policyMapEntries)) {
            MemorySegment rodata = arena.allocate(DatapathConfig.CODEC.layout());
            DatapathConfig.CODEC.encode(config, rodata);
            lxc.setMaxEntries(CtMap.NAME, ctMaxEntries)
                    .setInnerMapTemplate(PolicyMaps.NAME, template)
                    .setConstant("CONFIG", rodata);
            dropIncompatiblePins(lxc, pinRoot);
            lxc.load();
            Datapath datapath = new Datapath(lxc, pinRoot, policyMapEntries);
            datapath.pinPrograms();
            return datapath;
        } catch (RuntimeException e) {
            lxc.close();
            throw e;
        }
    }

    /**
     * A map pinned by a datapath that laid it out differently (another type, key, value or size, e.g. an
     * older Porin or another conntrack size) cannot be reused, and libbpf would refuse to load. Such a pin
     * is removed, so that loading creates the map afresh: its contents (counters, connections) start over.
     * Programs still attached keep the old map until the new ones replace them.
     */
    private static void dropIncompatiblePins(BpfObject lxc, Path pinRoot) {
        for (MapSpec spec : lxc.mapSpecs()) {
            Path pin = pinRoot.resolve(spec.name());
            if (!Files.exists(pin)) {
                continue;
            }
            try (BpfMap pinned = BpfMap.openPinned(pin)) {
                if (pinned.type() == spec.type() && pinned.keySize() == spec.keySize()
                        && pinned.valueSize() == spec.valueSize() && pinned.maxEntries() == spec.maxEntries()) {
                    continue;
                }
                LOG.atWarn().addKeyValue("map", spec.name())
                        .addKeyValue("pinned", pinned.type() + " " + pinned.keySize() + "/" + pinned.valueSize() + "/"
                                + pinned.maxEntries())
                        .addKeyValue("wanted", spec.type() + " " + spec.keySize() + "/" + spec.valueSize() + "/"
                                + spec.maxEntries())
                        .log("Pinned map has another layout; replacing it, its contents start over");
            }
            try {
                Files.delete(pin);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + pin, e);
            }
        }
    }

    private void pinPrograms() {
        for (BpfProgram p : List.of(fromContainer, toContainer)) {
            Path pin = pinRoot.resolve(p.name());
            try {
                Files.deleteIfExists(pin);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot replace " + pin, e);
            }
            p.pin(pin);
        }
    }

    /** Puts the programs on an endpoint's host-side veth, replacing whatever Porin had there. */
    public void attach(int ifindex) {
        Tc.attach(ifindex, Tc.Direction.INGRESS, fromContainer);
        Tc.attach(ifindex, Tc.Direction.EGRESS, toContainer);
    }

    /** True if both of Porin's slots on the device hold a program. */
    public boolean isAttached(int ifindex) {
        OptionalInt in = Tc.query(ifindex, Tc.Direction.INGRESS);
        OptionalInt out = Tc.query(ifindex, Tc.Direction.EGRESS);
        return in.isPresent() && out.isPresent();
    }

    public EndpointMap endpoints() {
        return endpoints;
    }

    public EndpointStatsMap endpointStats() {
        return endpointStats;
    }

    public CtMap conntrack() {
        return conntrack;
    }

    public MetricsMap metrics() {
        return metrics;
    }

    public IpCacheMap ipcache() {
        return ipcache;
    }

    public NodeConfigMap nodeConfig() {
        return nodeConfig;
    }

    public PolicyMaps policyMaps() {
        return policyMaps;
    }

    /** The ring buffer datapath events arrive in. */
    public BpfMap events() {
        return events;
    }

    /** Per-CPU count of events the ring had no room for. */
    public EventsLostCounter eventsLost() {
        return new EventsLostCounter(eventsLost);
    }

    /** The maps that fill up, for fill levels in status and metrics. */
    public List<BpfMap> maps() {
        return maps;
    }

    public List<String> programs() {
        return List.of(fromContainer.name(), toContainer.name());
    }

    public Path pinRoot() {
        return pinRoot;
    }

    /** Unloads this process's handles. Pinned maps and attached programs stay: the datapath keeps running. */
    @Override
    public void close() {
        policyMaps.close();
        lxc.close();
    }

    /** Removes every pin under {@code pinRoot}: the last step of uninstalling Porin from a node. */
    public static void unpinAll(Path pinRoot) {
        if (!Files.isDirectory(pinRoot)) {
            return;
        }
        try (var files = Files.list(pinRoot)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(pinRoot);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + pinRoot, e);
        }
    }
}
