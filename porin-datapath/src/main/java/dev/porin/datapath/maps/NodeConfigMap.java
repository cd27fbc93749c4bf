// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.maps;

import dev.porin.datapath.libbpf.BpfMap;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

import static dev.porin.datapath.maps.Layouts.U32;

/** Owner of {@code porin_config}: node state the programs read while they run, such as the policy revision. */
public final class NodeConfigMap {

    public static final String NAME = "porin_config";

    /** Must match {@code struct node_config} in bpf/lib/node_config.h. */
    public record Value(int policyRevision) {
    }

    public static final MapCodec<Integer> KEY = EndpointStatsMap.KEY;

    public static final MapCodec<Value> VALUE = new MapCodec<>() {
        private final StructLayout layout = MemoryLayout.structLayout(U32.withName("policy_revision"), U32.withName("flags"));

        @Override
        public String cStruct() {
            return "node_config";
        }

        @Override
        public StructLayout layout() {
            return layout;
        }

        @Override
        public void encode(Value v, MemorySegment to) {
            to.set(U32, 0, v.policyRevision());
            to.set(U32, 4, 0);
        }

        @Override
        public Value decode(MemorySegment from) {
            return new Value(from.get(U32, 0));
        }
    };

    private final KvMap<Integer, Value> map;

    public NodeConfigMap(KvMap<Integer, Value> map) {
        this.map = map;
    }

    public static NodeConfigMap of(BpfMap bpf) {
        return new NodeConfigMap(new BpfKvMap<>(bpf, KEY, VALUE));
    }

    /**
     * Publishes a new policy revision: connections last allowed under an older one are checked again on
     * their next forward packet.
     */
    public void policyRevision(long revision) {
        map.put(0, new Value((int) revision));
    }

    public int policyRevision() {
        return map.get(0).map(Value::policyRevision).orElse(0);
    }
}
