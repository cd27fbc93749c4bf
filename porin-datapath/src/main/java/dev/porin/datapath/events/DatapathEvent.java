// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.events;

import dev.porin.datapath.DropReason;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One event from the datapath, decoded: what happened to which packet, when ({@code ktime}, the kernel's
 * monotonic clock in ns), and the dissected headers of the packet. Identities are the packet's source and
 * destination as the datapath knew them; {@code endpoint} is the endpoint the event is about (for a trace to
 * an endpoint, the receiver; otherwise the endpoint whose program reported it).
 */
public sealed interface DatapathEvent {

    int TYPE_DROP = 1;
    int TYPE_TRACE = 4;
    int TYPE_POLICY_VERDICT = 5;

    int type();

    int endpoint();

    int hash();

    long ktime();

    /** The packet's length on the wire, of which the first bytes were captured and dissected. */
    int length();

    Packet packet();

    /** A dropped packet; {@code cookie} names the deny rules of a policy drop (0: no rule allowed it). */
    record Drop(int reason, int endpoint, int hash, long ktime, int length, int sourceIdentity,
                int destinationIdentity, int destinationEndpoint, int ifindex, boolean ingress, int cookie,
                Packet packet) implements DatapathEvent {
        @Override
        public int type() {
            return TYPE_DROP;
        }

        /** The reason, if it is one this datapath knows. */
        public DropReason dropReason() {
            return DropReason.of(reason);
        }
    }

    /**
     * A forwarded packet at an observation point ({@code point}, Cilium's numbering) with its connection
     * state ({@code ctState}: 0 new, 1 established, 2 reply, 3 related).
     */
    record Trace(int point, int endpoint, int hash, long ktime, int length, int sourceIdentity,
                 int destinationIdentity, int destinationEndpoint, int ctState, int ifindex, Packet packet)
            implements DatapathEvent {
        @Override
        public int type() {
            return TYPE_TRACE;
        }
    }

    /**
     * A policy decision on a connection's first packet (or a denied packet): the direction, the peer's
     * identity, the verdict (0 allowed, else the negated drop reason), how specific the deciding entry was,
     * whether audit mode turned a drop into a pass, and the cookie of the deciding rules.
     */
    record PolicyVerdict(int endpoint, int hash, long ktime, int length, boolean ingress, int remoteIdentity,
                         int verdict, int port, int protocol, int matchType, boolean audited, int cookie,
                         Packet packet) implements DatapathEvent {
        @Override
        public int type() {
            return TYPE_POLICY_VERDICT;
        }

        public boolean allowed() {
            return verdict >= 0;
        }
    }

    /** Decodes one ring buffer record, or returns null for a type or size this reader does not know. */
    static DatapathEvent decode(MemorySegment r) {
        if (r.byteSize() < EventLayouts.HEADER.byteSize()) {
            return null;
        }
        int type = Byte.toUnsignedInt(r.get(ValueLayout.JAVA_BYTE, 0));
        int subtype = Byte.toUnsignedInt(r.get(ValueLayout.JAVA_BYTE, 1));
        int source = Short.toUnsignedInt(r.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2));
        int hash = r.get(ValueLayout.JAVA_INT_UNALIGNED, 4);
        return switch (type) {
            case TYPE_DROP -> r.byteSize() < EventOffsets.Drops.DATA ? null : new Drop(subtype, source, hash,
                    u64(r, EventOffsets.Drops.KTIME), u32(r, EventOffsets.Drops.ORIG_LEN), u32(r, EventOffsets.Drops.SRC_LABEL), u32(r, EventOffsets.Drops.DST_LABEL),
                    u32(r, EventOffsets.Drops.DST_ID), u32(r, EventOffsets.Drops.IFINDEX), (u8(r, EventOffsets.Drops.FLAGS) & 1) != 0,
                    u32(r, EventOffsets.Drops.COOKIE), packet(r, EventOffsets.Drops.CAP_LEN, EventOffsets.Drops.DATA));
            case TYPE_TRACE -> r.byteSize() < EventOffsets.Traces.DATA ? null : new Trace(subtype, source, hash,
                    u64(r, EventOffsets.Traces.KTIME), u32(r, EventOffsets.Traces.ORIG_LEN), u32(r, EventOffsets.Traces.SRC_LABEL),
                    u32(r, EventOffsets.Traces.DST_LABEL), u16(r, EventOffsets.Traces.DST_ID), u8(r, EventOffsets.Traces.REASON), u32(r, EventOffsets.Traces.IFINDEX),
                    packet(r, EventOffsets.Traces.CAP_LEN, EventOffsets.Traces.DATA));
            case TYPE_POLICY_VERDICT -> {
                if (r.byteSize() < EventOffsets.Verdicts.DATA) {
                    yield null;
                }
                int flags = u8(r, EventOffsets.Verdicts.FLAGS);
                yield new PolicyVerdict(source, hash, u64(r, EventOffsets.Verdicts.KTIME), u32(r, EventOffsets.Verdicts.ORIG_LEN),
                        (flags & 3) == 1, u32(r, EventOffsets.Verdicts.REMOTE_LABEL), u32(r, EventOffsets.Verdicts.VERDICT),
                        u16(r, EventOffsets.Verdicts.DST_PORT), u8(r, EventOffsets.Verdicts.PROTO), (flags >> 3) & 7, (flags & 0x40) != 0,
                        u32(r, EventOffsets.Verdicts.COOKIE), packet(r, EventOffsets.Verdicts.CAP_LEN, EventOffsets.Verdicts.DATA));
            }
            default -> null;
        };
    }

    private static long u64(MemorySegment r, long at) {
        return r.get(ValueLayout.JAVA_LONG_UNALIGNED, at);
    }

    private static int u32(MemorySegment r, long at) {
        return r.get(ValueLayout.JAVA_INT_UNALIGNED, at);
    }

    private static int u16(MemorySegment r, long at) {
        return Short.toUnsignedInt(r.get(ValueLayout.JAVA_SHORT_UNALIGNED, at));
    }

    private static int u8(MemorySegment r, long at) {
        return Byte.toUnsignedInt(r.get(ValueLayout.JAVA_BYTE, at));
    }

    private static Packet packet(MemorySegment r, long capLenAt, long dataAt) {
        int cap = (int) Math.min(u16(r, capLenAt), Math.min(EventLayouts.PAYLOAD, r.byteSize() - dataAt));
        return Packet.parse(r, dataAt, cap);
    }
}
