// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.events;

import java.lang.foreign.StructLayout;

import static dev.porin.datapath.maps.Layouts.offset;

/** Member offsets of the event records, resolved once from {@link EventLayouts}. */
final class EventOffsets {

    static final class Drops {
        private static final StructLayout L = EventLayouts.DROP;
        static final long ORIG_LEN = offset(L, "orig_len");
        static final long CAP_LEN = offset(L, "cap_len");
        static final long SRC_LABEL = offset(L, "src_label");
        static final long DST_LABEL = offset(L, "dst_label");
        static final long DST_ID = offset(L, "dst_id");
        static final long IFINDEX = offset(L, "ifindex");
        static final long FLAGS = offset(L, "flags");
        static final long COOKIE = offset(L, "cookie");
        static final long KTIME = offset(L, "ktime");
        static final long DATA = offset(L, "data");

        private Drops() {
        }
    }

    static final class Traces {
        private static final StructLayout L = EventLayouts.TRACE;
        static final long ORIG_LEN = offset(L, "orig_len");
        static final long CAP_LEN = offset(L, "cap_len");
        static final long SRC_LABEL = offset(L, "src_label");
        static final long DST_LABEL = offset(L, "dst_label");
        static final long DST_ID = offset(L, "dst_id");
        static final long REASON = offset(L, "reason");
        static final long IFINDEX = offset(L, "ifindex");
        static final long KTIME = offset(L, "ktime");
        static final long DATA = offset(L, "data");

        private Traces() {
        }
    }

    static final class Verdicts {
        private static final StructLayout L = EventLayouts.POLICY_VERDICT;
        static final long ORIG_LEN = offset(L, "orig_len");
        static final long CAP_LEN = offset(L, "cap_len");
        static final long REMOTE_LABEL = offset(L, "remote_label");
        static final long VERDICT = offset(L, "verdict");
        static final long DST_PORT = offset(L, "dst_port");
        static final long PROTO = offset(L, "proto");
        static final long FLAGS = offset(L, "flags");
        static final long COOKIE = offset(L, "cookie");
        static final long KTIME = offset(L, "ktime");
        static final long DATA = offset(L, "data");

        private Verdicts() {
        }
    }

    private EventOffsets() {
    }
}
