// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.events;

import dev.porin.datapath.DropReason;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

import static dev.porin.datapath.maps.Layouts.offset;

/**
 * One event from the datapath, decoded: what happened to which packet, and the first bytes of it.
 * Identities are the packet's source and destination as the datapath knew them; {@code endpoint} is the
 * endpoint whose program reported it.
 */
public sealed interface DatapathEvent {

    int TYPE_DROP = 1;
    int TYPE_TRACE = 4;
    int TYPE_POLICY_VERDICT = 5;

    int endpoint();

    int hash();

    int length();

    byte[] packet();

    /** A dropped packet; {@code cookie} names the deny rules of a policy drop (0: no rule allowed it). */
    record Drop(int reason, int endpoint, int hash, int length, int sourceIdentity, int destinationIdentity,
                int destinationEndpoint, int ifindex, boolean ingress, int cookie, byte[] packet)
            implements DatapathEvent {
        /** The reason, if it is one this datapath knows. */
        public DropReason dropReason() {
            return DropReason.of(reason);
        }
    }

    /**
     * A forwarded packet at an observation point ({@code point}, Cilium's numbering) with its connection
     * state ({@code ctState}: 0 new, 1 established, 2 reply, 3 related).
     */
    record Trace(int point, int endpoint, int hash, int length, int sourceIdentity, int destinationIdentity,
                 int destinationEndpoint, int ctState, int ifindex, byte[] packet) implements DatapathEvent {
    }

    /**
     * A policy decision on a connection's first packet (or a denied packet): the direction, the peer's
     * identity, the verdict (0 allowed, else the negated drop reason), how specific the deciding entry was,
     * whether audit mode turned a drop into a pass, and the cookie of the deciding rules.
     */
    record PolicyVerdict(int endpoint, int hash, int length, boolean ingress, int remoteIdentity, int verdict,
                         int port, int protocol, int matchType, boolean audited, int cookie, byte[] packet)
            implements DatapathEvent {
        public boolean allowed() {
            return verdict >= 0;
        }
    }

    /** Decodes one ring buffer record, or returns null for a type this reader does not know. */
    static DatapathEvent decode(MemorySegment r) {
        int type = Byte.toUnsignedInt(r.get(ValueLayout.JAVA_BYTE, 0));
        int subtype = Byte.toUnsignedInt(r.get(ValueLayout.JAVA_BYTE, 1));
        int source = Short.toUnsignedInt(r.get(ValueLayout.JAVA_SHORT_UNALIGNED, 2));
        int hash = r.get(ValueLayout.JAVA_INT_UNALIGNED, 4);
        return switch (type) {
            case TYPE_DROP -> {
                StructLayout l = EventLayouts.DROP;
                yield new Drop(subtype, source, hash, u32(r, l, "orig_len"), u32(r, l, "src_label"),
                        u32(r, l, "dst_label"), u32(r, l, "dst_id"), u32(r, l, "ifindex"),
                        (u8(r, l, "flags") & 1) != 0, u32(r, l, "cookie"), payload(r, l));
            }
            case TYPE_TRACE -> {
                StructLayout l = EventLayouts.TRACE;
                yield new Trace(subtype, source, hash, u32(r, l, "orig_len"), u32(r, l, "src_label"),
                        u32(r, l, "dst_label"), Short.toUnsignedInt(r.get(ValueLayout.JAVA_SHORT_UNALIGNED,
                                offset(l, "dst_id"))), u8(r, l, "reason"), u32(r, l, "ifindex"), payload(r, l));
            }
            case TYPE_POLICY_VERDICT -> {
                StructLayout l = EventLayouts.POLICY_VERDICT;
                int flags = u8(r, l, "flags");
                yield new PolicyVerdict(source, hash, u32(r, l, "orig_len"), (flags & 3) == 1,
                        u32(r, l, "remote_label"), u32(r, l, "verdict"),
                        Short.toUnsignedInt(r.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset(l, "dst_port"))),
                        u8(r, l, "proto"), (flags >> 3) & 7, (flags & 0x40) != 0, u32(r, l, "cookie"),
                        payload(r, l));
            }
            default -> null;
        };
    }

    private static int u32(MemorySegment r, StructLayout l, String field) {
        return r.get(ValueLayout.JAVA_INT_UNALIGNED, offset(l, field));
    }

    private static int u8(MemorySegment r, StructLayout l, String field) {
        return Byte.toUnsignedInt(r.get(ValueLayout.JAVA_BYTE, offset(l, field)));
    }

    private static byte[] payload(MemorySegment r, StructLayout l) {
        int cap = Short.toUnsignedInt(r.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset(l, "cap_len")));
        long at = offset(l, "data");
        cap = (int) Math.min(cap, Math.min(EventLayouts.PAYLOAD, r.byteSize() - at));
        return r.asSlice(at, cap).toArray(ValueLayout.JAVA_BYTE);
    }
}
