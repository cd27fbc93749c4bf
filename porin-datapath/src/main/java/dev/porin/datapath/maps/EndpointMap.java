// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.maps;

import dev.porin.datapath.libbpf.BpfMap;
import dev.porin.net.MacAddress;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.net.Inet4Address;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.porin.datapath.maps.Layouts.U16;
import static dev.porin.datapath.maps.Layouts.U32;
import static dev.porin.datapath.maps.Layouts.U8;
import static dev.porin.datapath.maps.Layouts.bytes;
import static dev.porin.datapath.maps.Layouts.offset;
import static dev.porin.datapath.maps.Layouts.pad;

/** Owner of {@code porin_lxc}: every endpoint on this node, by address. */
public final class EndpointMap {

    public static final String NAME = "porin_lxc";

    /**
     * Endpoint IDs run from 1 to this, as in Cilium: the per-endpoint counters are an array indexed by ID.
     * Must match {@code ENDPOINT_ID_MAX} in bpf/lib/eps.h.
     */
    public static final int MAX_ENDPOINT_ID = 4095;

    /** Ingress is default-deny: the datapath consults the endpoint's policy. */
    public static final int F_POLICY_INGRESS = 1;
    public static final int F_POLICY_EGRESS = 1 << 1;
    /** Policy drops are reported but the packet is forwarded. */
    public static final int F_AUDIT_INGRESS = 1 << 2;
    public static final int F_AUDIT_EGRESS = 1 << 3;

    private static final int FAMILY_IPV4 = 1;

    /** Must match {@code struct endpoint_key} in bpf/lib/eps.h. */
    public record Key(Inet4Address address) {
    }

    /** Must match {@code struct endpoint_info} in bpf/lib/eps.h. */
    public record Info(int ifindex, int endpointId, int flags, MacAddress mac, MacAddress nodeMac, int identity) {
    }

    public static final MapCodec<Key> KEY = new MapCodec<>() {
        private final StructLayout layout = MemoryLayout.structLayout(bytes(16, "addr"), U8.withName("family"), pad(3));
        private final long addr = offset(layout, "addr");
        private final long family = offset(layout, "family");

        @Override
        public String cStruct() {
            return "endpoint_key";
        }

        @Override
        public StructLayout layout() {
            return layout;
        }

        @Override
        public void encode(Key key, MemorySegment to) {
            to.fill((byte) 0);
            Layouts.putIpv4(to, addr, key.address());
            to.set(U8, family, (byte) FAMILY_IPV4);
        }

        @Override
        public Key decode(MemorySegment from) {
            return new Key(Layouts.getIpv4(from, addr));
        }
    };

    public static final MapCodec<Info> VALUE = new MapCodec<>() {
        private final StructLayout layout = MemoryLayout.structLayout(
                U32.withName("ifindex"), U16.withName("lxc_id"), U16.withName("flags"),
                bytes(6, "mac"), bytes(6, "node_mac"), U32.withName("sec_id"), pad(8));
        private final long ifindex = offset(layout, "ifindex");
        private final long lxcId = offset(layout, "lxc_id");
        private final long flags = offset(layout, "flags");
        private final long mac = offset(layout, "mac");
        private final long nodeMac = offset(layout, "node_mac");
        private final long secId = offset(layout, "sec_id");

        @Override
        public String cStruct() {
            return "endpoint_info";
        }

        @Override
        public StructLayout layout() {
            return layout;
        }

        @Override
        public void encode(Info v, MemorySegment to) {
            to.fill((byte) 0);
            to.set(U32, ifindex, v.ifindex());
            to.set(U16, lxcId, (short) v.endpointId());
            to.set(U16, flags, (short) v.flags());
            Layouts.putMac(to, mac, v.mac());
            Layouts.putMac(to, nodeMac, v.nodeMac());
            to.set(U32, secId, v.identity());
        }

        @Override
        public Info decode(MemorySegment from) {
            return new Info(from.get(U32, ifindex), Short.toUnsignedInt(from.get(U16, lxcId)),
                    Short.toUnsignedInt(from.get(U16, flags)), Layouts.getMac(from, mac),
                    Layouts.getMac(from, nodeMac), from.get(U32, secId));
        }
    };

    private final KvMap<Key, Info> map;

    public EndpointMap(KvMap<Key, Info> map) {
        this.map = map;
    }

    public static EndpointMap of(BpfMap bpf) {
        return new EndpointMap(new BpfKvMap<>(bpf, KEY, VALUE));
    }

    public void upsert(Inet4Address address, Info info) {
        map.put(new Key(address), info);
    }

    public boolean remove(Inet4Address address) {
        return map.remove(new Key(address));
    }

    public Optional<Info> get(Inet4Address address) {
        return map.get(new Key(address));
    }

    public List<Map.Entry<Key, Info>> entries() {
        return map.entries();
    }

    public KvMap<Key, Info> kv() {
        return map;
    }
}
