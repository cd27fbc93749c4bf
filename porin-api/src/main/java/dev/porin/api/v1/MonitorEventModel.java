// SPDX-License-Identifier: Apache-2.0
package dev.porin.api.v1;

import java.util.List;

/**
 * One datapath event as {@code porin monitor} shows it: the fields of Cilium's monitor messages, with
 * names instead of numbers where Cilium prints names, and the policies behind a verdict.
 *
 * @param type      {@code drop}, {@code trace}, {@code policy-verdict} or {@code lost}
 * @param time      RFC 3339 with nanoseconds
 * @param hash      the flow hash, equal for every packet of a connection
 * @param source    the endpoint the event is about
 * @param dstEndpoint the destination endpoint, 0 if not a local pod
 * @param reason    drop: the drop code; {@code reasonText} its text ({@code Policy denied})
 * @param observationPoint trace: {@code to-endpoint}, {@code to-stack}, ...
 * @param state     trace: the connection state, {@code new}, {@code established}, {@code reply}, {@code related}
 * @param direction drops and verdicts: {@code ingress} or {@code egress}
 * @param action    policy verdict: {@code allow}, {@code deny}, {@code audit} or {@code redirect}
 * @param match     policy verdict: {@code L3-Only}, {@code L3-L4}, {@code L4-Only}, {@code all}, {@code none}, ...
 * @param policies  the rules or policies that decided, {@code ns/name (Kind) rule 0 ingress[1]} or
 *                  {@code ns/name (Kind) default deny}
 * @param summary   the packet: {@code 10.0.0.1:5555 -> 10.0.0.2:80 tcp SYN}
 * @param lost      lost: how many events were lost, and {@code lostSource} where
 */
public record MonitorEventModel(
        String type,
        String time,
        String hash,
        Integer source,
        Integer dstEndpoint,
        Integer srcIdentity,
        Integer dstIdentity,
        List<String> srcLabels,
        List<String> dstLabels,
        Integer ifindex,
        Integer length,
        Integer reason,
        String reasonText,
        String observationPoint,
        String state,
        String direction,
        String action,
        String match,
        Integer remoteIdentity,
        Integer proto,
        Integer dport,
        List<String> policies,
        String summary,
        Long lost,
        String lostSource) {
}
