// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code /metrics} says, in Prometheus's text format. */
class MetricsTest {

    private final String text = Scrape.text(MetricsFixture.populated().registry());

    @Test
    void exposesTheDatapathCountersUnderCiliumNames() {
        assertThat(text).contains(
                "# TYPE porin_drop_count_total counter",
                "porin_drop_count_total{direction=\"INGRESS\",reason=\"Policy denied\"} 5.0",
                "porin_drop_bytes_total{direction=\"INGRESS\",reason=\"Policy denied\"} 370.0",
                "porin_forward_count_total{direction=\"EGRESS\"} 7.0",
                "porin_forward_bytes_total{direction=\"EGRESS\"} 700.0");
    }

    @Test
    void exposesTheAgentState() {
        assertThat(text).contains(
                "porin_endpoint 3.0",
                "porin_endpoint_state{endpoint_state=\"ready\"} 2.0",
                "porin_endpoint_state{endpoint_state=\"restoring\"} 1.0",
                "porin_endpoint_state{endpoint_state=\"disconnecting\"} 0.0",
                "porin_identity{type=\"cluster_local\"} 2.0",
                "porin_identity{type=\"node_local\"} 1.0",
                "porin_identity{type=\"reserved\"} 8.0",
                "porin_policy 3.0",
                "porin_policy_max_revision 7.0",
                "porin_policy_map_overflow_entries 5.0",
                "porin_identity_exhausted_endpoints 1.0",
                "porin_datapath_events_received_total 42.0",
                "porin_datapath_events_lost_total 2.0",
                "porin_api_requests_duration_seconds_count{method=\"GET\",path=\"/v1/status\",return_code=\"200\"} 1");
    }

    @Test
    void mapPressureIsAFractionForMapsWithAMaximum() {
        assertThat(text).contains("porin_bpf_map_pressure{map_name=\"porin_ct\"} 0.25")
                .doesNotContain("porin_unsized");
    }

    @Test
    void exposesHubbleFlowMetricsUnderHubbleNames() {
        assertThat(text).contains(
                "hubble_flows_processed_total{protocol=\"TCP\",subtype=\"to-endpoint\",type=\"Trace\",verdict=\"FORWARDED\"} 1.0",
                "hubble_flows_processed_total{protocol=\"UDP\",subtype=\"to-endpoint\",type=\"Trace\",verdict=\"FORWARDED\"} 1.0",
                "hubble_flows_processed_total{protocol=\"TCP\",subtype=\"\",type=\"Drop\",verdict=\"DROPPED\"} 1.0",
                "hubble_drop_total{protocol=\"TCP\",reason=\"POLICY_DENIED\"} 2.0",
                "hubble_policy_verdicts_total{action=\"dropped\",direction=\"ingress\",match=\"none\"} 1.0",
                "hubble_lost_events_total{source=\"perf_event_ring_buffer\"} 2.0");
    }
}
