// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.maps;

import dev.porin.datapath.libbpf.BpfMap;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.net.Inet4Address;
import java.util.List;
import java.util.Map;

import static dev.porin.datapath.maps.Layouts.BE16;
import static dev.porin.datapath.maps.Layouts.BE32;
import static dev.porin.datapath.maps.Layouts.U16;
import static dev.porin.datapath.maps.Layouts.U32;
import static dev.porin.datapath.maps.Layouts.U64;
import static dev.porin.datapath.maps.Layouts.U8;
import static dev.porin.datapath.maps.Layouts.offset;
import static dev.porin.datapath.maps.Layouts.pad;

/** Owner of {@code porin_ct4}: the IPv4 connection tracking table. */
public final class CtMap {

    public static final String NAME = "porin_ct4";

    public static final int F_TX_CLOSING = 1;
    public static final int F_RX_CLOSING = 1 << 1;
    public static final int F_SEEN_NON_SYN = 1 << 2;

    /** A connection by its original direction. Must match {@code struct ct4_key} in bpf/lib/conntrack.h. */
    public record Key(Inet4Address source, Inet4Address destination, int sourcePort, int destinationPort, int protocol) {
    }

    /**
     * Must match {@code struct ct_entry} in bpf/lib/conntrack.h. The ifindex and endpoint of each direction
     * name the pod veth its packets come in on and the endpoint behind it (0: not a local pod).
     */
    public record Entry(long txPackets, long txBytes, long rxPackets, long rxBytes, long lifetime, int flags,
                        int txFlagsSeen, int rxFlagsSeen, int sourceIdentity, int policyRevision, long lastTxReport,
                        long lastRxReport, int txIfindex, int rxIfindex, int txEndpoint, int rxEndpoint) {

        /** An entry that names no local endpoint at either end. */
        public Entry(long txPackets, long txBytes, long rxPackets, long rxBytes, long lifetime, int flags,
                     int txFlagsSeen, int rxFlagsSeen, int sourceIdentity, int policyRevision, long lastTxReport,
                     long lastRxReport) {
            this(txPackets, txBytes, rxPackets, rxBytes, lifetime, flags, txFlagsSeen, rxFlagsSeen, sourceIdentity,
                    policyRevision, lastTxReport, lastRxReport, 0, 0, 0, 0);
        }
    }

    public static final MapCodec<Key> KEY = new MapCodec<>() {
        private final StructLayout layout = MemoryLayout.structLayout(BE32.withName("saddr"), BE32.withName("daddr"),
                BE16.withName("sport"), BE16.withName("dport"), U8.withName("proto"), pad(3));
        private final long saddr = offset(layout, "saddr");
        private final long daddr = offset(layout, "daddr");
        private final long sport = offset(layout, "sport");
        private final long dport = offset(layout, "dport");
        private final long proto = offset(layout, "proto");

        @Override
        public String cStruct() {
            return "ct4_key";
        }

        @Override
        public StructLayout layout() {
            return layout;
        }

        @Override
        public void encode(Key k, MemorySegment to) {
            to.fill((byte) 0);
            Layouts.putIpv4(to, saddr, k.source());
            Layouts.putIpv4(to, daddr, k.destination());
            to.set(BE16, sport, (short) k.sourcePort());
            to.set(BE16, dport, (short) k.destinationPort());
            to.set(U8, proto, (byte) k.protocol());
        }

        @Override
        public Key decode(MemorySegment from) {
            return new Key(Layouts.getIpv4(from, saddr), Layouts.getIpv4(from, daddr),
                    Short.toUnsignedInt(from.get(BE16, sport)), Short.toUnsignedInt(from.get(BE16, dport)),
                    Byte.toUnsignedInt(from.get(U8, proto)));
        }
    };

    public static final MapCodec<Entry> VALUE = new MapCodec<>() {
        private final StructLayout layout = MemoryLayout.structLayout(
                U64.withName("tx_packets"), U64.withName("tx_bytes"), U64.withName("rx_packets"),
                U64.withName("rx_bytes"), U32.withName("lifetime"), U16.withName("flags"),
                U8.withName("tx_flags_seen"), U8.withName("rx_flags_seen"), U32.withName("src_sec_id"),
                U32.withName("policy_rev"), U32.withName("last_tx_report"), U32.withName("last_rx_report"),
                U32.withName("tx_ifindex"), U32.withName("rx_ifindex"), U16.withName("tx_ep_id"),
                U16.withName("rx_ep_id"), pad(4));
        private final long txPackets = offset(layout, "tx_packets");
        private final long txBytes = offset(layout, "tx_bytes");
        private final long rxPackets = offset(layout, "rx_packets");
        private final long rxBytes = offset(layout, "rx_bytes");
        private final long lifetime = offset(layout, "lifetime");
        private final long flags = offset(layout, "flags");
        private final long txFlags = offset(layout, "tx_flags_seen");
        private final long rxFlags = offset(layout, "rx_flags_seen");
        private final long srcSecId = offset(layout, "src_sec_id");
        private final long policyRev = offset(layout, "policy_rev");
        private final long lastTx = offset(layout, "last_tx_report");
        private final long lastRx = offset(layout, "last_rx_report");
        private final long txIfindex = offset(layout, "tx_ifindex");
        private final long rxIfindex = offset(layout, "rx_ifindex");
        private final long txEp = offset(layout, "tx_ep_id");
        private final long rxEp = offset(layout, "rx_ep_id");

        @Override
        public String cStruct() {
            return "ct_entry";
        }

        @Override
        public StructLayout layout() {
            return layout;
        }

        @Override
        public void encode(Entry e, MemorySegment to) {
            to.fill((byte) 0);
            to.set(U64, txPackets, e.txPackets());
            to.set(U64, txBytes, e.txBytes());
            to.set(U64, rxPackets, e.rxPackets());
            to.set(U64, rxBytes, e.rxBytes());
            to.set(U32, lifetime, (int) e.lifetime());
            to.set(U16, flags, (short) e.flags());
            to.set(U8, txFlags, (byte) e.txFlagsSeen());
            to.set(U8, rxFlags, (byte) e.rxFlagsSeen());
            to.set(U32, srcSecId, e.sourceIdentity());
            to.set(U32, policyRev, e.policyRevision());
            to.set(U32, lastTx, (int) e.lastTxReport());
            to.set(U32, lastRx, (int) e.lastRxReport());
            to.set(U32, txIfindex, e.txIfindex());
            to.set(U32, rxIfindex, e.rxIfindex());
            to.set(U16, txEp, (short) e.txEndpoint());
            to.set(U16, rxEp, (short) e.rxEndpoint());
        }

        @Override
        public Entry decode(MemorySegment from) {
            return new Entry(from.get(U64, txPackets), from.get(U64, txBytes), from.get(U64, rxPackets),
                    from.get(U64, rxBytes), Integer.toUnsignedLong(from.get(U32, lifetime)),
                    Short.toUnsignedInt(from.get(U16, flags)), Byte.toUnsignedInt(from.get(U8, txFlags)),
                    Byte.toUnsignedInt(from.get(U8, rxFlags)), from.get(U32, srcSecId), from.get(U32, policyRev),
                    Integer.toUnsignedLong(from.get(U32, lastTx)), Integer.toUnsignedLong(from.get(U32, lastRx)),
                    from.get(U32, txIfindex), from.get(U32, rxIfindex), Short.toUnsignedInt(from.get(U16, txEp)),
                    Short.toUnsignedInt(from.get(U16, rxEp)));
        }
    };

    private final KvMap<Key, Entry> map;

    public CtMap(KvMap<Key, Entry> map) {
        this.map = map;
    }

    public static CtMap of(BpfMap bpf) {
        return new CtMap(new BpfKvMap<>(bpf, KEY, VALUE));
    }

    public List<Map.Entry<Key, Entry>> entries() {
        return map.entries();
    }

    /**
     * Deletes the entries that expired before {@code nowSeconds} (the datapath's monotonic clock) and
     * returns how many. The datapath already ignores them; this frees their slots and keeps listings honest.
     */
    public int collectGarbage(long nowSeconds) {
        int deleted = 0;
        for (Map.Entry<Key, Entry> e : map.entries()) {
            if (e.getValue().lifetime() < nowSeconds && map.remove(e.getKey())) {
                deleted++;
            }
        }
        return deleted;
    }

    /** Forgets every connection of {@code address}, e.g. when its endpoint goes away. */
    public int flush(Inet4Address address) {
        int deleted = 0;
        for (Map.Entry<Key, Entry> e : map.entries()) {
            Key k = e.getKey();
            if ((k.source().equals(address) || k.destination().equals(address)) && map.remove(k)) {
                deleted++;
            }
        }
        return deleted;
    }

    public KvMap<Key, Entry> kv() {
        return map;
    }
}
