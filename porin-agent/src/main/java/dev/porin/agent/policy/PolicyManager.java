// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.policy;

import dev.porin.agent.observe.FlowDirectory;
import dev.porin.agent.state.StateFiles;
import dev.porin.datapath.maps.EndpointMap;
import dev.porin.endpoint.Endpoint;
import dev.porin.endpoint.EndpointManager;
import dev.porin.endpoint.EndpointObserver;
import dev.porin.endpoint.EndpointState;
import dev.porin.identity.Identity;
import dev.porin.identity.IdentityAllocator;
import dev.porin.identity.IdentitySpaceExhaustedException;
import dev.porin.identity.ReservedIdentities;
import dev.porin.identity.SecurityLabels;
import dev.porin.k8s.Resource;
import dev.porin.k8s.ResourceKey;
import dev.porin.k8s.ResourceParser;
import dev.porin.labels.Labels;
import dev.porin.net.Ipv4Prefix;
import dev.porin.observe.FlowContext;
import dev.porin.policy.BuiltinRules;
import dev.porin.policy.Enforcement;
import dev.porin.policy.NamedPort;
import dev.porin.policy.PolicyEngine;
import dev.porin.policy.api.PolicyOrigin;
import dev.porin.policy.api.Rule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet4Address;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Policy for the endpoints of this node. It turns applied objects (namespaces, pods, policies) and each
 * endpoint's labels into identities and rules, runs the {@link PolicyEngine}, and writes what changed to
 * the datapath. As the endpoint manager's {@link EndpointObserver} it gives every new or restored endpoint
 * its identity and policy before the endpoint reaches the kernel.
 *
 * <p><b>No identity left.</b> An endpoint whose labels need a new identity when none is free gets the
 * reserved {@code init} identity and default deny in both directions: it fails closed. Only the local host
 * (Cilium's allow-localhost) and rules that select {@code reserved:init} apply to it (so does a clusterwide
 * rule with an empty endpoint selector, which selects every endpoint). It is reported
 * ({@link #isolatedEndpoints()}, one ERROR log naming it) and it gets a real identity as soon as one is free:
 * after any change that frees one (an endpoint removed, labels changed, numbers of a previous run released
 * on restore) or any later change of policy or labels.
 *
 * <p><b>A full policy map</b> is handled by {@link PolicyDatapath}: every deny is installed, then the allows
 * in key order as far as they fit; the rest are left out (their traffic is dropped) and reported
 * ({@link #overflow(int)}, {@link #policyMapOverflows()}, a WARN log naming the endpoint).
 *
 * <p>All state changes happen under the endpoint manager's lock: one lock, one order of writes.
 */
public final class PolicyManager implements EndpointObserver {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyManager.class);

    private final EndpointManager endpoints;
    private final ResourceStore store;
    private final PolicyEngine engine;
    private final PolicyDatapath datapath;
    private final Path identityFile;
    private final boolean globalAudit;
    private final int maxEntries;
    private final Map<Integer, Identity> identities = new HashMap<>();
    private final Map<Integer, Inet4Address> addresses = new HashMap<>();
    /** Endpoints whose identity changed since the last flush: the IP cache and endpoint map still have the old. */
    private final Set<Integer> switched = new TreeSet<>();
    private final Map<Ipv4Prefix, Integer> hostAddresses;
    private final FlowDirectory flows;
    /** Identity versions last handed to flows and written to disk: most policy changes leave them as they were. */
    private long flowIdentities = -1;
    private long savedIdentities = -1;
    /** Time and entry counts of the current change, collected by {@link #flush()}. */
    private long flushDatapathNanos;
    private long flushSaveNanos;
    private int flushEntries;

    /**
     * @param hostAddresses the node's own addresses (and the pods' gateway), all of identity host
     */
    public PolicyManager(EndpointManager endpoints, Path stateDir, PolicyMapStore maps,
                         dev.porin.datapath.maps.IpCacheMap ipcache, dev.porin.datapath.maps.NodeConfigMap nodeConfig,
                         Set<Inet4Address> hostAddresses, boolean globalAudit) {
        this.endpoints = endpoints;
        this.store = new ResourceStore(stateDir.resolve("resources"));
        this.identityFile = stateDir.resolve("identities.json");
        IdentityAllocator allocator = StateFiles.read(identityFile, IdentityAllocator.Snapshot.class)
                .map(IdentityAllocator::restore).orElseGet(IdentityAllocator::new);
        this.engine = new PolicyEngine(allocator, List.of(BuiltinRules.allowLocalhost()));
        this.datapath = new PolicyDatapath(maps, ipcache, nodeConfig, engine::entries);
        this.maxEntries = maps.maxEntries();
        this.globalAudit = globalAudit;
        Map<Ipv4Prefix, Integer> host = new TreeMap<>();
        hostAddresses.forEach(a -> host.put(Ipv4Prefix.of(a, 32), Identity.HOST));
        this.hostAddresses = Map.copyOf(host);
        this.flows = new FlowDirectory(engine::attribution);
    }

    /**
     * Loads the stored objects and their policies, numbering revisions on from the one the datapath holds.
     * Call before the endpoint manager restores endpoints; then {@link #restored()}.
     */
    public void start() {
        synchronized (endpoints) {
            engine.resumeAfter(datapath.publishedRevision());
            store.load();
            store.all(Resource.PolicyResource.class).forEach(p -> engine.setPolicy(p.origin(), p.rules()));
            engine.setClusterNamedPorts(clusterNamedPorts());
        }
    }

    /**
     * After the endpoint manager restored its endpoints: forgets identities nobody uses any more, makes
     * the kernel's policy maps and IP cache hold exactly what policy says, whatever a previous run left, and
     * publishes a new revision.
     */
    public void restored() {
        synchronized (endpoints) {
            engine.releaseUnreferencedIdentities();
            retryIsolated();
            flush();
            datapath.retain(identities.keySet());
            for (int id : identities.keySet()) {
                datapath.sync(id);
            }
            datapath.syncIpcache(desiredIpcache());
            // sync may have changed maps behind the engine's back: check established connections again
            datapath.publishRevision(engine.nextRevision());
            saveIdentities();
            LOG.atInfo().addKeyValue("policies", engine.policies().size())
                    .addKeyValue("identities", engine.identities().size()).log("Policy restored");
        }
    }

    // ---- endpoint lifecycle (called under the endpoint manager's lock)

    @Override
    public DatapathState added(Endpoint ep) {
        Identity identity = identityFor(ep, null);
        identities.put(ep.id(), identity);
        addresses.put(ep.id(), ep.ipv4());
        flows.endpoint(ep, identity);
        engine.upsertEndpoint(ep.id(), identity, ownNamedPorts(ep));
        datapath.ipcache(Ipv4Prefix.of(ep.ipv4(), 32), identity.id());
        flush();
        return state(ep, identity);
    }

    @Override
    public void removed(Endpoint ep) {
        Identity identity = identities.remove(ep.id());
        addresses.remove(ep.id());
        flows.removeEndpoint(ep);
        engine.removeEndpoint(ep.id());
        datapath.removeIpcache(Ipv4Prefix.of(ep.ipv4(), 32));
        switched.remove(ep.id());
        if (identity != null) {
            engine.releaseIdentity(identity);
        }
        retryIsolated();
        flush();
    }

    // ---- objects

    /** Applies a YAML file, all or nothing; the parse error names document, field and reason. */
    public Applied apply(String yaml, String source) {
        long start = System.nanoTime();
        List<Resource> parsed = ResourceParser.parse(yaml, source);
        long parsedAt = System.nanoTime();
        synchronized (endpoints) {
            return change(parsedAt - start, () -> store.apply(parsed));
        }
    }

    /** Deletes the objects a YAML file names. */
    public Applied delete(String yaml, String source) {
        long start = System.nanoTime();
        List<ResourceKey> keys = ResourceParser.parse(yaml, source).stream().map(Resource::key).toList();
        long parsedAt = System.nanoTime();
        synchronized (endpoints) {
            return change(parsedAt - start, () -> store.delete(keys));
        }
    }

    /** Deletes stored objects by key. */
    public Applied delete(List<ResourceKey> keys) {
        synchronized (endpoints) {
            return change(0, () -> store.delete(keys));
        }
    }

    /**
     * What an apply or delete did, and where its time went (nanoseconds): storing the objects, resolving
     * policy, writing the kernel's maps, saving identities; and how many map entries it wrote or deleted.
     */
    public record Applied(List<AppliedObject> objects, long parseNanos, long storeNanos, long resolveNanos,
                          long datapathNanos, long saveNanos, int entriesChanged) {
    }

    private Applied change(long parseNanos, java.util.function.Supplier<List<AppliedObject>> storeChange) {
        long start = System.nanoTime();
        List<AppliedObject> out = storeChange.get();
        long stored = System.nanoTime();
        flushDatapathNanos = 0;
        flushSaveNanos = 0;
        flushEntries = 0;
        // Identities and named ports come from Pod and Namespace objects: a batch of policies alone leaves
        // them as they are, and skipping them keeps a policy change from costing what the node holds.
        resync(!out.stream().allMatch(o -> POLICY_KINDS.contains(o.key().kind())));
        long resolved = System.nanoTime() - stored - flushDatapathNanos - flushSaveNanos;
        Applied applied = new Applied(out, parseNanos, stored - start, resolved, flushDatapathNanos, flushSaveNanos,
                flushEntries);
        if (out.stream().anyMatch(o -> o.action() != AppliedObject.Action.UNCHANGED
                && o.action() != AppliedObject.Action.NOT_FOUND)) {
            LOG.atInfo().addKeyValue("objects", out.size()).addKeyValue("revision", engine.revision())
                    .addKeyValue("entriesChanged", flushEntries)
                    .addKeyValue("resolveMillis", millis(resolved)).addKeyValue("datapathMillis", millis(flushDatapathNanos))
                    .addKeyValue("storeMillis", millis(stored - start)).addKeyValue("saveMillis", millis(flushSaveNanos))
                    .log("Policy objects changed");
        }
        return applied;
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e6);
    }

    public List<Resource> resources() {
        synchronized (endpoints) {
            return List.copyOf(store.all());
        }
    }

    /** {@code porin endpoint labels}: changes an endpoint's labels, and with them its identity. */
    public Endpoint changeLabels(int id, Map<String, String> add, List<String> delete) {
        synchronized (endpoints) {
            Endpoint ep = endpoints.changeLabels(id, add, delete);
            resync();
            return endpoints.get(id).orElse(ep);
        }
    }

    /** {@code porin endpoint config ID PolicyAuditMode=...}. */
    public Endpoint auditMode(int id, boolean audit) {
        synchronized (endpoints) {
            Endpoint ep = endpoints.auditMode(id, audit);
            endpoints.updateDatapath(id, state(ep, identities.get(id)));
            return endpoints.get(id).orElse(ep);
        }
    }

    private static final Set<String> POLICY_KINDS = java.util.Arrays.stream(dev.porin.policy.api.PolicyKind.values())
            .map(dev.porin.policy.api.PolicyKind::kind).collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** Re-derives everything from the store: policies, named ports, and every endpoint's identity. */
    private void resync() {
        resync(true);
    }

    /** Re-derives policies from the store and, if {@code endpointsToo}, named ports and endpoint identities. */
    private void resync(boolean endpointsToo) {
        Map<PolicyOrigin, List<Rule>> desired = new HashMap<>();
        store.all(Resource.PolicyResource.class).forEach(p -> desired.put(p.origin(), p.rules()));
        for (PolicyOrigin o : engine.policies().keySet()) {
            if (!desired.containsKey(o)) {
                engine.setPolicy(o, List.of());
            }
        }
        desired.forEach(engine::setPolicy);
        if (!endpointsToo) {
            flush();
            return;
        }
        engine.setClusterNamedPorts(clusterNamedPorts());
        for (Endpoint ep : endpoints.list()) {
            Identity old = identities.get(ep.id());
            if (old == null) {
                continue;
            }
            assign(ep, old, identityFor(ep, old));
        }
        // Label changes above may have freed the numbers that endpoints isolated meanwhile wait for.
        retryIsolated();
        flush();
    }

    /**
     * Gives {@code ep} identity {@code fresh} in place of {@code old} in the engine; the IP cache and the
     * endpoint map follow in the next {@link #flush()}, once peers allow the new identity.
     */
    private void assign(Endpoint ep, Identity old, Identity fresh) {
        identities.put(ep.id(), fresh);
        flows.endpoint(ep, fresh);
        engine.upsertEndpoint(ep.id(), fresh, ownNamedPorts(ep));
        engine.releaseIdentity(old);
        if (fresh.id() != old.id()) {
            switched.add(ep.id());
        }
    }

    /** Gives endpoints isolated for want of an identity a real one if one is free now, in endpoint ID order. */
    private void retryIsolated() {
        for (int id : new TreeSet<>(identities.keySet())) {
            Identity old = identities.get(id);
            Endpoint ep = endpoints.get(id).orElse(null);
            if (old.id() != Identity.INIT || ep == null || ep.state() == EndpointState.DISCONNECTING) {
                continue;
            }
            Identity fresh = identityFor(ep, old);
            if (fresh.id() != Identity.INIT) {
                assign(ep, old, fresh);
            }
        }
    }

    /** Hands the engine's changes to the datapath, and moves endpoints that changed identity over. */
    private void flush() {
        var changes = engine.drain();
        if (engine.identityVersion() != flowIdentities) {
            flows.identities(engine.identities());
            flowIdentities = engine.identityVersion();
        }
        flows.revision(engine.revision());
        if (changes.isEmpty() && switched.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        datapath.apply(changes, id -> endpoints.get(id).ifPresent(ep -> {
            Identity identity = identities.get(id);
            if (identity != null) {
                endpoints.updateDatapath(id, state(ep, identity));
            }
        }), this::switchIdentities);
        long written = System.nanoTime();
        saveIdentities();
        flushDatapathNanos += written - start;
        flushSaveNanos += System.nanoTime() - written;
        for (var c : changes.endpoints().values()) {
            flushEntries += c.upserts().size() + c.deletes().size();
        }
    }

    /** Points the IP cache and the endpoint map at the new identities of the endpoints that changed. */
    private void switchIdentities() {
        for (int id : switched) {
            Identity identity = identities.get(id);
            Endpoint ep = endpoints.get(id).orElse(null);
            if (identity != null && ep != null) {
                datapath.ipcache(Ipv4Prefix.of(ep.ipv4(), 32), identity.id());
                endpoints.updateDatapath(id, state(ep, identity));
            }
        }
        switched.clear();
    }

    private void saveIdentities() {
        long version = engine.identityVersion();
        if (version != savedIdentities) {
            StateFiles.write(identityFile, engine.identitySnapshot());
            savedIdentities = version;
        }
    }

    // ---- identities and labels

    /**
     * The identity of an endpoint's current labels, taking a reference. If the identity space is exhausted
     * the endpoint gets the {@code init} identity and, through {@link #state}, default deny in both
     * directions: it fails closed. The log says so when it becomes isolated ({@code old}, its identity until
     * now, is null for a new endpoint) and when it no longer is.
     */
    private Identity identityFor(Endpoint ep, Identity old) {
        boolean wasIsolated = old != null && old.id() == Identity.INIT;
        try {
            Identity fresh = engine.acquireIdentity(securityLabels(ep));
            if (wasIsolated) {
                LOG.atInfo().addKeyValue("endpointID", ep.id()).addKeyValue("identity", fresh.id())
                        .log("Identity allocated: endpoint no longer isolated");
            }
            return fresh;
        } catch (IdentitySpaceExhaustedException e) {
            if (!wasIsolated) {
                LOG.atError().addKeyValue("endpointID", ep.id()).addKeyValue("identity", Identity.name(Identity.INIT))
                        .log(e.getMessage() + "; endpoint isolated (default deny both ways) until an identity is free");
            }
            return ReservedIdentities.get(Identity.INIT);
        }
    }

    /** The pod's labels: from its Pod object if one was applied, else what the runtime passed. */
    Map<String, String> podLabels(Endpoint ep) {
        Map<String, String> base = pod(ep).map(Resource.PodResource::labels).orElse(ep.labels());
        return ep.effectiveLabels(base);
    }

    public Labels securityLabels(Endpoint ep) {
        String ns = ep.namespace();
        Map<String, String> nsLabels = new TreeMap<>();
        nsLabels.put("kubernetes.io/metadata.name", ns);
        store.get(new ResourceKey("Namespace", null, ns))
                .map(r -> ((Resource.NamespaceResource) r).labels()).ifPresent(nsLabels::putAll);
        String sa = pod(ep).map(Resource.PodResource::serviceAccount).orElse("default");
        return SecurityLabels.forPod(ns, podLabels(ep), nsLabels, sa);
    }

    private Optional<Resource.PodResource> pod(Endpoint ep) {
        if (ep.podName() == null) {
            return Optional.empty();
        }
        return store.get(new ResourceKey("Pod", ep.namespace(), ep.podName())).map(r -> (Resource.PodResource) r);
    }

    private List<NamedPort> ownNamedPorts(Endpoint ep) {
        return pod(ep).map(p -> p.ports().stream().map(n -> new NamedPort(n.name(), n.port(), n.protocol())).toList())
                .orElse(List.of());
    }

    private Map<String, Set<NamedPort>> clusterNamedPorts() {
        Map<String, Set<NamedPort>> out = new TreeMap<>();
        for (Resource.PodResource p : store.all(Resource.PodResource.class)) {
            p.ports().forEach(n -> out.computeIfAbsent(n.name(), k -> new HashSet<>())
                    .add(new NamedPort(n.name(), n.port(), n.protocol())));
        }
        return out;
    }

    private DatapathState state(Endpoint ep, Identity identity) {
        if (identity.id() == Identity.INIT) {
            return new DatapathState(Identity.INIT, EndpointMap.F_POLICY_INGRESS | EndpointMap.F_POLICY_EGRESS);
        }
        Enforcement e = engine.enforcement(ep.id());
        flows.enforcement(ep.id(), e);
        boolean audit = globalAudit || ep.auditMode();
        int flags = 0;
        if (e.ingress()) {
            flags |= EndpointMap.F_POLICY_INGRESS | (audit ? EndpointMap.F_AUDIT_INGRESS : 0);
        }
        if (e.egress()) {
            flags |= EndpointMap.F_POLICY_EGRESS | (audit ? EndpointMap.F_AUDIT_EGRESS : 0);
        }
        return new DatapathState(identity.id(), flags);
    }

    private Map<Ipv4Prefix, Integer> desiredIpcache() {
        Map<Ipv4Prefix, Integer> out = new TreeMap<>(hostAddresses);
        out.putAll(engine.cidrIdentities());
        identities.forEach((id, identity) -> out.put(Ipv4Prefix.of(addresses.get(id), 32), identity.id()));
        return out;
    }

    // ---- queries

    /** A Pod object as policy sees it, for tracing a pod that has no endpoint here. */
    public record PodView(Labels labels, List<NamedPort> ports) {
    }

    public Optional<Endpoint> endpoint(int id) {
        return endpoints.get(id);
    }

    public Optional<Endpoint> endpointOfPod(String namespace, String name) {
        return endpoints.list().stream()
                .filter(ep -> ep.namespace().equals(namespace) && name.equals(ep.podName())).findFirst();
    }

    public Optional<PodView> podObject(String namespace, String name) {
        return store.get(new ResourceKey("Pod", namespace, name)).map(r -> (Resource.PodResource) r).map(p -> {
            Map<String, String> nsLabels = new TreeMap<>();
            nsLabels.put("kubernetes.io/metadata.name", namespace);
            store.get(new ResourceKey("Namespace", null, namespace))
                    .map(n -> ((Resource.NamespaceResource) n).labels()).ifPresent(nsLabels::putAll);
            return new PodView(SecurityLabels.forPod(namespace, p.labels(), nsLabels, p.serviceAccount()),
                    p.ports().stream().map(n -> new NamedPort(n.name(), n.port(), n.protocol())).toList());
        });
    }

    public List<NamedPort> namedPorts(Endpoint ep) {
        return ownNamedPorts(ep);
    }

    /** The labels an endpoint's identity is made of. */
    public Labels identityLabels(Endpoint ep) {
        synchronized (endpoints) {
            Identity i = identities.get(ep.id());
            return i == null ? Labels.EMPTY : i.labels();
        }
    }

    /** Policy enforcement of an endpoint, per direction, as cilium's endpoint list shows it. */
    public String[] enforcementText(Endpoint ep) {
        synchronized (endpoints) {
            Enforcement e = engine.enforcement(ep.id());
            boolean audit = globalAudit || ep.auditMode();
            return new String[] {text(e.ingress(), audit), text(e.egress(), audit)};
        }
    }

    private static String text(boolean enforced, boolean audit) {
        return !enforced ? "Disabled" : audit ? "Disabled (Audit)" : "Enabled";
    }

    /** What flows are enriched with: kept current by this manager, readable from any thread. */
    public FlowContext flowContext() {
        return flows;
    }

    public PolicyEngine engine() {
        return engine;
    }

    public boolean globalAudit() {
        return globalAudit;
    }

    public int policyMapMaxEntries() {
        return maxEntries;
    }

    public int overflow(int endpoint) {
        synchronized (endpoints) {
            return datapath.overflow(endpoint);
        }
    }

    /** Endpoints whose policy map is full, with the number of entries left out of each. */
    public Map<Integer, Integer> policyMapOverflows() {
        synchronized (endpoints) {
            return datapath.overflows();
        }
    }

    /**
     * Endpoints isolated (default-deny both ways under the {@code init} identity) because the identity space
     * was exhausted when they needed one.
     */
    public List<Integer> isolatedEndpoints() {
        synchronized (endpoints) {
            return identities.entrySet().stream().filter(e -> e.getValue().id() == Identity.INIT)
                    .map(Map.Entry::getKey).sorted().toList();
        }
    }

    /** Runs {@code query} under the policy lock, for consistent reads of the engine. */
    public <T> T read(java.util.function.Supplier<T> query) {
        synchronized (endpoints) {
            return query.get();
        }
    }
}
