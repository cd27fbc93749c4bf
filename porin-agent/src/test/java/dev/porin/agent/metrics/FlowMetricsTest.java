// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.metrics;

import com.sun.management.ThreadMXBean;
import dev.porin.datapath.events.Packet;
import dev.porin.hubble.flow.LostEventSource;
import dev.porin.hubble.flow.TrafficDirection;
import dev.porin.hubble.flow.Verdict;
import dev.porin.observe.Flow;
import dev.porin.observe.LostEvents;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static dev.porin.agent.metrics.Flows.drop;
import static dev.porin.agent.metrics.Flows.packet;
import static dev.porin.agent.metrics.Flows.tcpSyn;
import static dev.porin.agent.metrics.Flows.trace;
import static dev.porin.agent.metrics.Flows.verdict;
import static org.assertj.core.api.Assertions.assertThat;

class FlowMetricsTest {

    private static final int POLICY_DENIED = 133;
    private static final int TO_ENDPOINT = 0;
    private static final int TO_STACK = 3;
    private static final int L3_L4 = 2;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final FlowMetrics metrics = new FlowMetrics(registry);

    private double value(String name, String... labels) {
        return Scrape.value(registry, name, labels);
    }

    private double processed(String protocol, String type, String subtype, String verdict) {
        return value("hubble_flows_processed_total", "protocol", protocol, "type", type, "subtype", subtype,
                "verdict", verdict);
    }

    @Test
    void countsTracesByProtocolAndObservationPoint() {
        metrics.flow(trace(TO_ENDPOINT, tcpSyn()));
        metrics.flow(trace(TO_ENDPOINT, tcpSyn()));
        metrics.flow(trace(TO_STACK, packet(Packet.PROTO_UDP)));
        metrics.flow(trace(TO_ENDPOINT, packet(Packet.PROTO_ICMP)));
        metrics.flow(trace(TO_ENDPOINT, packet(Packet.PROTO_SCTP)));

        assertThat(processed("TCP", "Trace", "to-endpoint", "FORWARDED")).isEqualTo(2);
        assertThat(processed("UDP", "Trace", "to-stack", "FORWARDED")).isEqualTo(1);
        assertThat(processed("ICMPv4", "Trace", "to-endpoint", "FORWARDED")).isEqualTo(1);
        assertThat(processed("SCTP", "Trace", "to-endpoint", "FORWARDED")).isEqualTo(1);
        assertThat(value("hubble_drop_total", "reason", "POLICY_DENIED", "protocol", "TCP")).isZero();
    }

    @Test
    void aTraceAtAPointWithoutANameHasAnEmptySubtype() {
        metrics.flow(trace(42, tcpSyn()));

        assertThat(processed("TCP", "Trace", "", "FORWARDED")).isEqualTo(1);
    }

    @Test
    void packetsNotDissectedAreUnknownL4() {
        metrics.flow(trace(TO_ENDPOINT, Flows.ipv6()));
        metrics.flow(trace(TO_ENDPOINT, packet(47)));

        assertThat(processed("Unknown L4", "Trace", "to-endpoint", "FORWARDED")).isEqualTo(2);
    }

    @Test
    void countsDropsByHubbleReasonName() {
        metrics.flow(drop(POLICY_DENIED, tcpSyn()));
        metrics.flow(drop(POLICY_DENIED, tcpSyn()));
        metrics.flow(drop(181, packet(Packet.PROTO_UDP)));
        metrics.flow(drop(136, tcpSyn()));
        metrics.flow(drop(250, tcpSyn()));

        assertThat(processed("TCP", "Drop", "", "DROPPED")).isEqualTo(4);
        assertThat(value("hubble_drop_total", "reason", "POLICY_DENIED", "protocol", "TCP")).isEqualTo(2);
        assertThat(value("hubble_drop_total", "reason", "POLICY_DENY", "protocol", "UDP")).isEqualTo(1);
        assertThat(value("hubble_drop_total", "reason", "CT_MISSING_TCP_ACK_FLAG", "protocol", "TCP"))
                .as("Hubble's name for 136, not Cilium's text").isEqualTo(1);
        assertThat(value("hubble_drop_total", "reason", "DROP_REASON_UNKNOWN", "protocol", "TCP")).isEqualTo(1);
    }

    @Test
    void countsPolicyVerdictsByDirectionMatchAndAction() {
        metrics.flow(verdict(Verdict.FORWARDED, 0, TrafficDirection.EGRESS, L3_L4, Flows.POD));
        metrics.flow(verdict(Verdict.DROPPED, POLICY_DENIED, TrafficDirection.INGRESS, 0, Flows.POD));
        metrics.flow(verdict(Verdict.AUDIT, 0, TrafficDirection.INGRESS, 4, Flows.POD));
        metrics.flow(verdict(Verdict.REDIRECTED, 0, TrafficDirection.INGRESS, 1, Flows.POD));

        assertThat(value("hubble_policy_verdicts_total", "direction", "egress", "match", "l3-l4", "action",
                "forwarded")).isEqualTo(1);
        assertThat(value("hubble_policy_verdicts_total", "direction", "ingress", "match", "none", "action",
                "dropped")).isEqualTo(1);
        assertThat(value("hubble_policy_verdicts_total", "direction", "ingress", "match", "all", "action",
                "audit")).isEqualTo(1);
        assertThat(value("hubble_policy_verdicts_total", "direction", "ingress", "match", "l3-only", "action",
                "redirected")).isEqualTo(1);
        assertThat(processed("TCP", "PolicyVerdict", "", "DROPPED")).isEqualTo(1);
        assertThat(value("hubble_drop_total", "reason", "POLICY_DENIED", "protocol", "TCP"))
                .as("a denying verdict is a drop, as in Hubble").isEqualTo(1);
    }

    @Test
    void leavesOutVerdictsOnTrafficFromTheHost() {
        metrics.flow(verdict(Verdict.FORWARDED, 0, TrafficDirection.INGRESS, 0, Flows.HOST));

        assertThat(value("hubble_policy_verdicts_total", "direction", "ingress", "match", "none", "action",
                "forwarded")).isZero();
        assertThat(processed("TCP", "PolicyVerdict", "", "FORWARDED")).isEqualTo(1);
    }

    @Test
    void labelsAnUnknownEventTypeAsHubbleDoes() {
        metrics.flow(Flows.flow(Verdict.FORWARDED, 0, 7, 0, TrafficDirection.EGRESS, 0, Flows.POD, tcpSyn()));

        assertThat(processed("TCP", "Unknown", "7", "FORWARDED")).isEqualTo(1);
    }

    @Test
    void countsLostEventsBySource() {
        metrics.lost(new LostEvents(0, LostEventSource.PERF_EVENT_RING_BUFFER, 5));
        metrics.lost(new LostEvents(0, LostEventSource.PERF_EVENT_RING_BUFFER, 2));

        assertThat(value("hubble_lost_events_total", "source", "perf_event_ring_buffer")).isEqualTo(7);
    }

    @Test
    void countingAFlowAllocatesNothingOnceItsLabelsAreKnown() {
        Flow[] flows = {trace(TO_ENDPOINT, tcpSyn()), drop(POLICY_DENIED, tcpSyn()),
                verdict(Verdict.DROPPED, POLICY_DENIED, TrafficDirection.INGRESS, 0, Flows.POD),
                verdict(Verdict.FORWARDED, 0, TrafficDirection.EGRESS, L3_L4, Flows.POD)};
        for (Flow f : flows) {
            metrics.flow(f);
        }
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();

        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            metrics.flow(flows[i & 3]);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).as("bytes allocated for 100,000 flows").isLessThan(10_000);
        assertThat(processed("TCP", "Trace", "to-endpoint", "FORWARDED")).isEqualTo(25_001);
    }
}
