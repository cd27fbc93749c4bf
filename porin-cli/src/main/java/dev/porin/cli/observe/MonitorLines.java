// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.observe;

import dev.porin.api.v1.MonitorEventModel;

import java.util.List;
import java.util.Objects;

/**
 * Datapath events as {@code cilium-dbg monitor} prints them, one line each, followed by the policies that decided
 * a drop or a verdict: {@code ... by default/web (CiliumNetworkPolicy) default deny}.
 */
public final class MonitorLines {

    private MonitorLines() {
    }

    /** @param numeric identities as numbers only, reserved ones too ({@code -n}) */
    public static String line(MonitorEventModel e, boolean numeric) {
        return switch (e.type()) {
            case "drop" -> "xx drop (" + e.reasonText() + ") flow " + e.hash() + " to endpoint " + number(e.dstEndpoint())
                    + ", ifindex " + number(e.ifindex()) + ", file bpf_lxc.c:0, , identity "
                    + identities(e, numeric) + ": " + e.summary() + by(e.policies());
            case "trace" -> trace(e) + " flow " + e.hash() + " , identity " + identities(e, numeric) + " state "
                    + e.state() + " ifindex " + number(e.ifindex()) + " orig-ip 0.0.0.0: " + e.summary();
            case "policy-verdict" -> "Policy verdict log: flow " + e.hash() + " local EP ID " + number(e.source())
                    + ", remote ID " + identity(e.remoteIdentity(), numeric) + ", proto " + number(e.proto()) + ", "
                    + e.direction() + ", action " + e.action() + ", auth: disabled, match " + e.match() + ", "
                    + e.summary() + by(e.policies());
            case "lost" -> "Lost " + e.lost() + " events (" + e.lostSource() + ")";
            default -> e.type() + ": " + Objects.requireNonNullElse(e.summary(), "");
        };
    }

    /** Where a trace saw the packet: {@code -> endpoint 12}, {@code -> stack}, {@code <- endpoint 7}, ... */
    private static String trace(MonitorEventModel e) {
        String point = Objects.requireNonNullElse(e.observationPoint(), "");
        return switch (point) {
            case "to-endpoint" -> "-> endpoint " + number(e.dstEndpoint());
            case "from-endpoint" -> "<- endpoint " + number(e.source());
            case "to-proxy" -> "-> proxy";
            case "to-host" -> "-> host from";
            case "to-stack", "to-overlay", "to-network", "to-crypto" -> "-> " + point.substring(3);
            case "from-proxy", "from-host", "from-stack", "from-overlay", "from-network", "from-crypto" ->
                    "<- " + point.substring(5);
            default -> "unknown trace";
        };
    }

    private static String identities(MonitorEventModel e, boolean numeric) {
        return identity(e.srcIdentity(), numeric) + "->" + identity(e.dstIdentity(), numeric);
    }

    private static String identity(Integer id, boolean numeric) {
        long n = id == null ? 0 : Integer.toUnsignedLong(id);
        String reserved = numeric ? null : ReservedIdentities.name(n);
        return reserved != null ? reserved : Long.toString(n);
    }

    private static String number(Integer n) {
        return n == null ? "0" : n.toString();
    }

    private static String by(List<String> policies) {
        return policies == null || policies.isEmpty() ? "" : " by " + String.join(", ", policies);
    }
}
