// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath;

import dev.porin.datapath.maps.MapCodec;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

import static dev.porin.datapath.maps.Layouts.U32;
import static dev.porin.datapath.maps.Layouts.offset;

/**
 * Load-time constants of the datapath. Must match {@code struct datapath_config} in bpf/lib/config.h; the
 * defaults are the C ones (Cilium's conntrack timeouts, in seconds).
 *
 * @param dropEvents        report every drop
 * @param policyVerdicts    report the policy verdict of each connection's first packet
 * @param traceMode         {@link TraceMode}: which forwarded packets are reported
 * @param traceInterval     seconds between reports of one flow in {@link TraceMode#CONNECTION}
 * @param eventsWakeupBytes queued event bytes that wake the reader (it also polls on a timer)
 */
public record DatapathConfig(int ctLifetimeTcp, int ctLifetimeTcpSyn, int ctLifetimeTcpClose, int ctLifetimeAny,
                             boolean dropEvents, boolean policyVerdicts, TraceMode traceMode, int traceInterval,
                             int eventsWakeupBytes) {

    /** Which forwarded packets get a trace event. */
    public enum TraceMode {
        /** None. */
        NONE,
        /** The first packet of a connection, SYN/FIN/RST, and one per interval and direction. */
        CONNECTION,
        /** Every packet. */
        ALL
    }

    public static final DatapathConfig DEFAULTS = new DatapathConfig(21600, 60, 10, 60, true, true,
            TraceMode.CONNECTION, 5, 256 << 10);

    public DatapathConfig {
        if (ctLifetimeTcp <= 0 || ctLifetimeTcpSyn <= 0 || ctLifetimeTcpClose <= 0 || ctLifetimeAny <= 0) {
            throw new IllegalArgumentException("conntrack lifetimes must be positive");
        }
        if (traceInterval <= 0 || eventsWakeupBytes <= 0) {
            throw new IllegalArgumentException("trace interval and wake-up threshold must be positive");
        }
    }

    public DatapathConfig withTraceMode(TraceMode mode) {
        return new DatapathConfig(ctLifetimeTcp, ctLifetimeTcpSyn, ctLifetimeTcpClose, ctLifetimeAny, dropEvents,
                policyVerdicts, mode, traceInterval, eventsWakeupBytes);
    }

    public static final MapCodec<DatapathConfig> CODEC = new MapCodec<>() {
        private final StructLayout layout = MemoryLayout.structLayout(U32.withName("ct_lifetime_tcp"),
                U32.withName("ct_lifetime_tcp_syn"), U32.withName("ct_lifetime_tcp_close"),
                U32.withName("ct_lifetime_any"), U32.withName("drop_events"), U32.withName("policy_verdicts"),
                U32.withName("trace_mode"), U32.withName("trace_interval"), U32.withName("events_wakeup_bytes"));

        @Override
        public String cStruct() {
            return "datapath_config";
        }

        @Override
        public StructLayout layout() {
            return layout;
        }

        @Override
        public void encode(DatapathConfig c, MemorySegment to) {
            to.set(U32, offset(layout, "ct_lifetime_tcp"), c.ctLifetimeTcp());
            to.set(U32, offset(layout, "ct_lifetime_tcp_syn"), c.ctLifetimeTcpSyn());
            to.set(U32, offset(layout, "ct_lifetime_tcp_close"), c.ctLifetimeTcpClose());
            to.set(U32, offset(layout, "ct_lifetime_any"), c.ctLifetimeAny());
            to.set(U32, offset(layout, "drop_events"), c.dropEvents() ? 1 : 0);
            to.set(U32, offset(layout, "policy_verdicts"), c.policyVerdicts() ? 1 : 0);
            to.set(U32, offset(layout, "trace_mode"), c.traceMode().ordinal());
            to.set(U32, offset(layout, "trace_interval"), c.traceInterval());
            to.set(U32, offset(layout, "events_wakeup_bytes"), c.eventsWakeupBytes());
        }

        @Override
        public DatapathConfig decode(MemorySegment from) {
            return new DatapathConfig(from.get(U32, offset(layout, "ct_lifetime_tcp")),
                    from.get(U32, offset(layout, "ct_lifetime_tcp_syn")),
                    from.get(U32, offset(layout, "ct_lifetime_tcp_close")),
                    from.get(U32, offset(layout, "ct_lifetime_any")),
                    from.get(U32, offset(layout, "drop_events")) != 0,
                    from.get(U32, offset(layout, "policy_verdicts")) != 0,
                    TraceMode.values()[from.get(U32, offset(layout, "trace_mode"))],
                    from.get(U32, offset(layout, "trace_interval")),
                    from.get(U32, offset(layout, "events_wakeup_bytes")));
        }
    };
}
