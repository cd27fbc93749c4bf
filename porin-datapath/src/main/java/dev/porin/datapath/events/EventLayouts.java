// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.events;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

import static dev.porin.datapath.maps.Layouts.U16;
import static dev.porin.datapath.maps.Layouts.U32;
import static dev.porin.datapath.maps.Layouts.U64;
import static dev.porin.datapath.maps.Layouts.U8;
import static dev.porin.datapath.maps.Layouts.bytes;
import static dev.porin.datapath.maps.Layouts.pad;

/**
 * The event records of {@code bpf/lib/events.h}, member names as in C; the layout test compares them with
 * the compiler's BTF.
 */
public final class EventLayouts {

    public static final int PAYLOAD = 128;

    /** Must match {@code struct event_hdr}. */
    public static final StructLayout HEADER = MemoryLayout.structLayout(U8.withName("type"), U8.withName("subtype"),
            U16.withName("source"), U32.withName("hash"));

    /** Must match {@code struct drop_notify}. */
    public static final StructLayout DROP = MemoryLayout.structLayout(HEADER.withName("hdr"),
            U32.withName("orig_len"), U16.withName("cap_len"), U16.withName("version"),
            U32.withName("src_label"), U32.withName("dst_label"), U32.withName("dst_id"),
            U16.withName("line"), U8.withName("file"), U8.withName("ext_error"), U32.withName("ifindex"),
            U8.withName("flags"), pad(3), U32.withName("cookie"), pad(4), U64.withName("ktime"),
            bytes(PAYLOAD, "data"));

    /** Must match {@code struct trace_notify}. */
    public static final StructLayout TRACE = MemoryLayout.structLayout(HEADER.withName("hdr"),
            U32.withName("orig_len"), U16.withName("cap_len"), U16.withName("version"),
            U32.withName("src_label"), U32.withName("dst_label"), U16.withName("dst_id"), U8.withName("reason"),
            U8.withName("flags"), U32.withName("ifindex"), bytes(16, "orig_ip"), U64.withName("ktime"),
            bytes(PAYLOAD, "data"));

    /** Must match {@code struct policy_verdict_notify}. */
    public static final StructLayout POLICY_VERDICT = MemoryLayout.structLayout(HEADER.withName("hdr"),
            U32.withName("orig_len"), U16.withName("cap_len"), U8.withName("version"), U8.withName("ext_version"),
            U32.withName("remote_label"), U32.withName("verdict"), U16.withName("dst_port"), U8.withName("proto"),
            U8.withName("flags"), U8.withName("auth_type"), pad(3), U32.withName("cookie"), pad(4),
            U64.withName("ktime"), bytes(PAYLOAD, "data"));

    private EventLayouts() {
    }
}
