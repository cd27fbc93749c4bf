// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath;

import dev.porin.datapath.maps.MapCodec;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

import static dev.porin.datapath.maps.Layouts.U32;
import static dev.porin.datapath.maps.Layouts.offset;

/**
 * Load-time constants of the datapath, in seconds. Must match {@code struct datapath_config} in
 * bpf/lib/config.h; the defaults are the C ones (Cilium's conntrack timeouts).
 */
public record DatapathConfig(int ctLifetimeTcp, int ctLifetimeTcpSyn, int ctLifetimeTcpClose, int ctLifetimeAny) {

    public static final DatapathConfig DEFAULTS = new DatapathConfig(21600, 60, 10, 60);

    public DatapathConfig {
        if (ctLifetimeTcp <= 0 || ctLifetimeTcpSyn <= 0 || ctLifetimeTcpClose <= 0 || ctLifetimeAny <= 0) {
            throw new IllegalArgumentException("conntrack lifetimes must be positive");
        }
    }

    public static final MapCodec<DatapathConfig> CODEC = new MapCodec<>() {
        private final StructLayout layout = MemoryLayout.structLayout(U32.withName("ct_lifetime_tcp"),
                U32.withName("ct_lifetime_tcp_syn"), U32.withName("ct_lifetime_tcp_close"),
                U32.withName("ct_lifetime_any"));

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
        }

        @Override
        public DatapathConfig decode(MemorySegment from) {
            return new DatapathConfig(from.get(U32, offset(layout, "ct_lifetime_tcp")),
                    from.get(U32, offset(layout, "ct_lifetime_tcp_syn")),
                    from.get(U32, offset(layout, "ct_lifetime_tcp_close")),
                    from.get(U32, offset(layout, "ct_lifetime_any")));
        }
    };
}
