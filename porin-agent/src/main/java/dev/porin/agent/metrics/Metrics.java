// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.metrics;

import dev.porin.agent.api.Router;
import dev.porin.agent.observe.Observability;
import dev.porin.agent.policy.PolicyManager;
import dev.porin.api.v1.StatusModel.MapFill;
import dev.porin.datapath.Datapath;
import dev.porin.datapath.maps.KvMap;
import dev.porin.datapath.maps.MetricsMap;
import dev.porin.endpoint.Endpoint;
import dev.porin.endpoint.EndpointManager;
import dev.porin.endpoint.EndpointState;
import dev.porin.observe.FlowListener;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Every metric the agent exports, in one registry. Flows and API calls are counted as they happen, through
 * {@link #flows()} and {@link #api()}; everything else is read from its owner when Prometheus scrapes.
 */
public final class Metrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final FlowMetrics flows = new FlowMetrics(registry);
    private final PolicyVerdictMetrics policyVerdicts = new PolicyVerdictMetrics(registry);
    private final ApiMetrics api = new ApiMetrics(registry);

    public PrometheusRegistry registry() {
        return registry;
    }

    /** Counts the Hubble flow metrics and verdicts by policy; give them to the event reader. */
    public List<FlowListener> flows() {
        return List.of(flows, policyVerdicts);
    }

    /** Times API calls; give it to the router. */
    public Router.Observer api() {
        return api;
    }

    /** Reads the agent's parts at scrape time. */
    public Metrics watch(Datapath datapath, EndpointManager endpoints, PolicyManager policy,
                         Observability observability) {
        return datapath(datapath.metrics().kv())
                .maps(() -> datapath.maps().stream()
                        .map(m -> new MapFill(m.name(), m.count(), m.maxEntries())).toList())
                .endpoints(() -> endpoints.list().stream().map(Endpoint::state).toList())
                .policy(() -> policy.read(() -> PolicyStats.of(policy)))
                .events(observability::eventsReceived, observability::eventsLost);
    }

    Metrics datapath(KvMap<MetricsMap.Key, MetricsMap.Value> map) {
        registry.register(new DatapathMetrics(map));
        return this;
    }

    Metrics maps(Supplier<List<MapFill>> fills) {
        GaugeWithCallback.builder().name("porin_bpf_map_pressure")
                .help("Fill percentage of a BPF map: entries over maximum entries, 0 to 1").labelNames("map_name")
                .callback(cb -> fills.get().stream().filter(m -> m.maxEntries() > 0)
                        .forEach(m -> cb.call((double) m.entries() / m.maxEntries(), m.name())))
                .register(registry);
        return this;
    }

    Metrics endpoints(Supplier<List<EndpointState>> states) {
        GaugeWithCallback.builder().name("porin_endpoint").help("Number of endpoints managed by this agent")
                .callback(cb -> cb.call(states.get().size())).register(registry);
        GaugeWithCallback.builder().name("porin_endpoint_state").help("Count of all endpoints, by state")
                .labelNames("endpoint_state")
                .callback(cb -> {
                    Map<EndpointState, Integer> count = new EnumMap<>(EndpointState.class);
                    states.get().forEach(s -> count.merge(s, 1, Integer::sum));
                    for (EndpointState s : EndpointState.values()) {
                        cb.call(count.getOrDefault(s, 0), s.wireName());
                    }
                })
                .register(registry);
        return this;
    }

    Metrics policy(Supplier<PolicyStats> stats) {
        GaugeWithCallback.builder().name("porin_policy").help("Number of policy rules currently loaded")
                .callback(cb -> cb.call(stats.get().rules())).register(registry);
        GaugeWithCallback.builder().name("porin_policy_max_revision").help("Highest policy revision number")
                .callback(cb -> cb.call(stats.get().revision())).register(registry);
        GaugeWithCallback.builder().name("porin_identity").help("Number of identities currently allocated, by type")
                .labelNames("type")
                .callback(cb -> stats.get().identities().forEach((type, n) -> cb.call(n, type))).register(registry);
        GaugeWithCallback.builder().name("porin_policy_map_overflow_entries")
                .help("Policy entries not installed because an endpoint's policy map is full; their traffic is dropped")
                .callback(cb -> cb.call(stats.get().overflowEntries())).register(registry);
        GaugeWithCallback.builder().name("porin_identity_exhausted_endpoints")
                .help("Endpoints isolated because no identity was free for their labels")
                .callback(cb -> cb.call(stats.get().isolatedEndpoints())).register(registry);
        return this;
    }

    Metrics events(LongSupplier received, LongSupplier lost) {
        CounterWithCallback.builder().name("porin_datapath_events_received_total")
                .help("Datapath events read by the agent")
                .callback(cb -> cb.call(received.getAsLong())).register(registry);
        CounterWithCallback.builder().name("porin_datapath_events_lost_total")
                .help("Datapath events lost because the event ring was full")
                .callback(cb -> cb.call(lost.getAsLong())).register(registry);
        return this;
    }
}
