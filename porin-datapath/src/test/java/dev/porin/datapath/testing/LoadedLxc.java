// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.testing;

import dev.porin.datapath.Datapath;
import dev.porin.datapath.DatapathConfig;
import dev.porin.datapath.DatapathObjects;
import dev.porin.datapath.libbpf.BpfObject;
import dev.porin.datapath.libbpf.BpfProgram;
import dev.porin.datapath.maps.CtMap;
import dev.porin.datapath.maps.EndpointMap;
import dev.porin.datapath.maps.EndpointStatsMap;
import dev.porin.datapath.maps.IpCacheMap;
import dev.porin.datapath.maps.MetricsMap;
import dev.porin.datapath.maps.NodeConfigMap;
import dev.porin.datapath.maps.PolicyMaps;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A private copy of bpf_lxc for {@code BPF_PROG_TEST_RUN} tests: loaded without pins, so that its maps
 * vanish with it, and with every map owner at hand.
 */
public final class LoadedLxc implements AutoCloseable {

    public final BpfObject object;
    public final BpfProgram fromContainer;
    public final BpfProgram toContainer;
    public final EndpointMap endpoints;
    public final EndpointStatsMap stats;
    public final CtMap conntrack;
    public final MetricsMap metrics;
    public final IpCacheMap ipcache;
    public final NodeConfigMap nodeConfig;
    public final PolicyMaps policy;

    public LoadedLxc(DatapathConfig config) {
        object = BpfObject.open("bpf_lxc", DatapathObjects.elf(DatapathObjects.LXC), null);
        try (Arena arena = Arena.ofConfined(); var template = PolicyMaps.template(16384)) {
            MemorySegment c = arena.allocate(DatapathConfig.CODEC.layout());
            DatapathConfig.CODEC.encode(config, c);
            object.setInnerMapTemplate(PolicyMaps.NAME, template).setConstant("CONFIG", c).load();
        } catch (RuntimeException e) {
            object.close();
            throw e;
        }
        fromContainer = object.program(Datapath.FROM_CONTAINER);
        toContainer = object.program(Datapath.TO_CONTAINER);
        endpoints = EndpointMap.of(object.map(EndpointMap.NAME));
        stats = EndpointStatsMap.of(object.map(EndpointStatsMap.NAME));
        conntrack = CtMap.of(object.map(CtMap.NAME));
        metrics = MetricsMap.of(object.map(MetricsMap.NAME));
        ipcache = IpCacheMap.of(object.map(IpCacheMap.NAME));
        nodeConfig = NodeConfigMap.of(object.map(NodeConfigMap.NAME));
        policy = new PolicyMaps(object.map(PolicyMaps.NAME), 16384);
    }

    public long forwarded(int dir) {
        return metrics.kv().get(new MetricsMap.Key(0, dir)).map(MetricsMap.Value::count).orElse(0L);
    }

    public long dropped(dev.porin.datapath.DropReason reason, int dir) {
        return metrics.kv().get(new MetricsMap.Key(reason.code(), dir)).map(MetricsMap.Value::count).orElse(0L);
    }

    @Override
    public void close() {
        policy.close();
        object.close();
    }
}
