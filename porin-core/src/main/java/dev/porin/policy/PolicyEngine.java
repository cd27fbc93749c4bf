// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.identity.Identity;
import dev.porin.identity.IdentityAllocator;
import dev.porin.labels.Labels;
import dev.porin.net.Ipv4Prefix;
import dev.porin.policy.api.Direction;
import dev.porin.policy.api.PeerRule;
import dev.porin.policy.api.PolicyOrigin;
import dev.porin.policy.api.Rule;
import dev.porin.policy.api.RuleRef;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Resolves policy for the endpoints of a node: rules, identities and endpoints in, policy map changes
 * out. Every update is incremental: a new rule touches the endpoints it selects and the entries it
 * contributes; a new identity touches only the elements whose selectors select it. Changes accumulate
 * until {@link #drain()} hands them to the datapath.
 *
 * <p>The engine owns identities (through the allocator it wraps), so that a new identity reaches the
 * selectors before any endpoint uses it. It is pure and single-threaded: the agent serializes calls.
 */
public final class PolicyEngine {

    /** A rule element in force for an endpoint. */
    private record Use(int endpoint, RuleRef ref) {
    }

    private final IdentityAllocator allocator;
    private final SelectorCache selectors = new SelectorCache();
    private final AttributionTable attribution = new AttributionTable();
    private final Map<PolicyOrigin, List<Rule>> rules = new TreeMap<>();
    private final Map<Integer, EndpointPolicy> endpoints = new HashMap<>();
    /** Per endpoint, the policies that select it with rules in each direction (enforced, maybe default-allow). */
    private final Map<Integer, RuleOrigins> ruleOrigins = new HashMap<>();
    private final Map<Integer, List<NamedPort>> endpointPorts = new HashMap<>();
    private final Map<PeerSelector, Set<Use>> users = new HashMap<>();
    private final Map<Ipv4Prefix, Identity> cidrIdentities = new HashMap<>();
    private final Map<Ipv4Prefix, Integer> cidrUses = new HashMap<>();
    private final List<Rule> builtin;
    private Map<String, Set<NamedPort>> clusterPorts = Map.of();

    private Map<Integer, EndpointChanges> pending = new LinkedHashMap<>();
    private Map<Ipv4Prefix, Integer> pendingCidrUpserts = new LinkedHashMap<>();
    private Set<Ipv4Prefix> pendingCidrDeletes = new HashSet<>();
    private long revision = 1;

    /**
     * @param builtin rules the agent itself adds for every endpoint, such as allowing the local host
     */
    public PolicyEngine(IdentityAllocator allocator, List<Rule> builtin) {
        this.allocator = allocator;
        this.builtin = List.copyOf(builtin);
        allocator.all().forEach(selectors::add);
    }

    // ---- identities

    /** The identity for {@code labels}, taking a reference; a new one is added to every selector first. */
    public Identity acquireIdentity(Labels labels) {
        boolean known = allocator.find(labels).isPresent();
        Identity identity = allocator.acquire(labels);
        if (!known) {
            identityAdded(identity);
        }
        return identity;
    }

    public void releaseIdentity(Identity identity) {
        if (allocator.release(identity)) {
            identityRemoved(identity.id());
        }
    }

    /** Forgets identities restored from a previous run that nothing acquired again. */
    public void releaseUnreferencedIdentities() {
        allocator.releaseUnreferenced().forEach(i -> identityRemoved(i.id()));
    }

    public Optional<Identity> identity(int id) {
        return allocator.get(id);
    }

    public Collection<Identity> identities() {
        return allocator.all();
    }

    public IdentityAllocator.Snapshot identitySnapshot() {
        return allocator.snapshot();
    }

    /** Changes whenever an identity is allocated or released for good. */
    public long identityVersion() {
        return allocator.version();
    }

    private void identityAdded(Identity identity) {
        for (PeerSelector s : selectors.add(identity)) {
            for (Use u : List.copyOf(users.getOrDefault(s, Set.of()))) {
                endpoints.get(u.endpoint()).addIdentity(u.ref(), identity.id(), materializer);
            }
        }
    }

    private void identityRemoved(int id) {
        for (PeerSelector s : selectors.remove(id)) {
            for (Use u : List.copyOf(users.getOrDefault(s, Set.of()))) {
                EndpointPolicy ep = endpoints.get(u.endpoint());
                ElementPlan plan = ep.plan(u.ref());
                boolean stillSelected = plan.selectors().stream().anyMatch(o -> selectors.selections(o).contains(id));
                if (!stillSelected) {
                    ep.removeIdentity(u.ref(), id, materializer);
                }
            }
        }
    }

    // ---- endpoints

    /** Adds an endpoint, or updates its identity and named ports, and resolves its policy. */
    public void upsertEndpoint(int id, Identity identity, List<NamedPort> namedPorts) {
        EndpointPolicy ep = endpoints.get(id);
        List<NamedPort> ports = List.copyOf(namedPorts);
        if (ep != null && ep.identity().equals(identity) && ports.equals(endpointPorts.get(id))) {
            return;
        }
        if (ep != null) {
            ep.identity(identity);
        } else {
            ep = new EndpointPolicy(id, identity);
            endpoints.put(id, ep);
            EndpointChanges c = pending.get(id);
            if (c != null && c.removed()) {
                // Removed and back before a drain: the old map stays, emptied by the deletes already recorded.
                c.revive();
            }
        }
        endpointPorts.put(id, ports);
        resolve(ep, allRules(), null);
        updateEnforcement(ep);
    }

    public void removeEndpoint(int id) {
        EndpointPolicy ep = endpoints.remove(id);
        if (ep == null) {
            return;
        }
        clearElements(ep);
        endpointPorts.remove(id);
        ruleOrigins.remove(id);
        changes(id).markRemoved();
    }

    private void clearElements(EndpointPolicy ep) {
        for (RuleRef ref : ep.elementRefs()) {
            unregister(ep, ref);
            ep.removeElement(ref, materializer);
        }
    }

    // ---- policies

    /** Replaces the rules of one policy object (an empty list deletes it) and re-resolves what they touch. */
    public void setPolicy(PolicyOrigin origin, List<Rule> newRules) {
        List<Rule> old = rules.getOrDefault(origin, List.of());
        if (old.equals(newRules)) {
            return;
        }
        // New CIDR identities first, so that a prefix the old rules shared keeps its number.
        for (Rule r : newRules) {
            for (PeerRule element : allElements(r)) {
                ElementCompiler.prefixes(element).forEach(this::acquireCidr);
            }
        }
        for (Rule r : old) {
            for (PeerRule element : allElements(r)) {
                ElementCompiler.prefixes(element).forEach(this::releaseCidr);
            }
        }
        if (newRules.isEmpty()) {
            rules.remove(origin);
        } else {
            rules.put(origin, List.copyOf(newRules));
        }
        for (EndpointPolicy ep : endpoints.values()) {
            resolve(ep, newRules, origin);
            updateEnforcement(ep, origin, newRules);
        }
    }

    public Map<PolicyOrigin, List<Rule>> policies() {
        return Map.copyOf(rules);
    }

    /** Every named port pods declare; egress rules with named ports resolve against them. */
    public void setClusterNamedPorts(Map<String, Set<NamedPort>> ports) {
        if (ports.equals(clusterPorts)) {
            return;
        }
        clusterPorts = Map.copyOf(ports);
        for (EndpointPolicy ep : endpoints.values()) {
            resolve(ep, allRules(), null);
        }
    }

    private List<Rule> allRules() {
        List<Rule> all = new ArrayList<>(builtin);
        rules.values().forEach(all::addAll);
        return all;
    }

    private static List<PeerRule> allElements(Rule r) {
        List<PeerRule> all = new ArrayList<>();
        for (Direction d : Direction.values()) {
            all.addAll(r.elements(d, false));
            all.addAll(r.elements(d, true));
        }
        return all;
    }

    /**
     * Brings the elements of {@code ep} from policy {@code scope} (all elements if null) in line with
     * {@code rules}. An element whose compiled plan did not change stays in force untouched, so re-resolving
     * writes only what changed; and only the elements of {@code scope} are looked at, so changing one policy
     * costs what that policy holds, not what all policies hold.
     */
    private void resolve(EndpointPolicy ep, List<Rule> rules, PolicyOrigin scope) {
        Map<RuleRef, ElementPlan> wanted = new LinkedHashMap<>();
        for (Rule r : rules) {
            compileRule(ep, r, wanted);
        }
        for (RuleRef ref : scope == null ? ep.elementRefs() : ep.elementRefs(scope)) {
            // The default-allow element follows enforcement (see enforce), not the rules.
            if (!ref.origin().equals(BuiltinRules.DEFAULT_ALLOW) && !ep.plan(ref).equals(wanted.get(ref))) {
                unregister(ep, ref);
                ep.removeElement(ref, materializer);
            }
        }
        for (ElementPlan plan : wanted.values()) {
            if (ep.plan(plan.ref()) == null) {
                applyElement(ep, plan);
            }
        }
    }

    private void compileRule(EndpointPolicy ep, Rule rule, Map<RuleRef, ElementPlan> out) {
        if (!rule.endpointSelector().matches(ep.identity().labels())) {
            return;
        }
        List<NamedPort> own = endpointPorts.getOrDefault(ep.id(), List.of());
        for (Direction d : Direction.values()) {
            for (boolean deny : new boolean[] {false, true}) {
                List<PeerRule> elements = rule.elements(d, deny);
                for (int i = 0; i < elements.size(); i++) {
                    ElementPlan plan = ElementCompiler.compile(rule.ref(d, deny, i), elements.get(i), own, clusterPorts);
                    out.put(plan.ref(), plan);
                }
            }
        }
    }

    private void applyElement(EndpointPolicy ep, ElementPlan plan) {
        Set<Integer> ids = new HashSet<>();
        if (plan.anyPeer()) {
            ids.add(0);
        }
        for (PeerSelector s : plan.selectors()) {
            ids.addAll(selectors.use(s));
            users.computeIfAbsent(s, x -> new HashSet<>()).add(new Use(ep.id(), plan.ref()));
        }
        ep.addElement(plan, ids, materializer);
    }

    private void unregister(EndpointPolicy ep, RuleRef ref) {
        ElementPlan plan = ep.plan(ref);
        for (PeerSelector s : plan.selectors()) {
            Set<Use> u = users.get(s);
            if (u != null) {
                u.remove(new Use(ep.id(), ref));
                if (u.isEmpty()) {
                    users.remove(s);
                }
            }
            selectors.unuse(s);
        }
    }

    /**
     * After policy {@code origin} changed to {@code originRules}: only its own place in the endpoint's
     * enforcement can have changed (whether it makes a direction default-deny, whether it has rules there).
     */
    private void updateEnforcement(EndpointPolicy ep, PolicyOrigin origin, List<Rule> originRules) {
        boolean denyIn = false;
        boolean denyOut = false;
        boolean rulesIn = false;
        boolean rulesOut = false;
        for (Rule r : originRules) {
            if (r.endpointSelector().matches(ep.identity().labels())) {
                denyIn |= r.defaultDenyIngress();
                denyOut |= r.defaultDenyEgress();
                rulesIn |= !r.ingress().isEmpty() || !r.ingressDeny().isEmpty();
                rulesOut |= !r.egress().isEmpty() || !r.egressDeny().isEmpty();
            }
        }
        Enforcement old = ep.enforcement();
        RuleOrigins ro = ruleOrigins.computeIfAbsent(ep.id(), id -> new RuleOrigins());
        if (old.ingressBy().contains(origin) == denyIn && old.egressBy().contains(origin) == denyOut
                && ro.ingress().contains(origin) == rulesIn && ro.egress().contains(origin) == rulesOut) {
            return;
        }
        SortedSet<PolicyOrigin> ingressBy = new TreeSet<>(old.ingressBy());
        SortedSet<PolicyOrigin> egressBy = new TreeSet<>(old.egressBy());
        toggle(ingressBy, origin, denyIn);
        toggle(egressBy, origin, denyOut);
        toggle(ro.ingress(), origin, rulesIn);
        toggle(ro.egress(), origin, rulesOut);
        enforce(ep, new Enforcement(ingressBy, egressBy, !ro.ingress().isEmpty(), !ro.egress().isEmpty()));
    }

    private static void toggle(SortedSet<PolicyOrigin> set, PolicyOrigin origin, boolean member) {
        if (member) {
            set.add(origin);
        } else {
            set.remove(origin);
        }
    }

    /**
     * Recomputes the endpoint's enforcement from every rule. The agent's built-in rules never enforce
     * anything by themselves.
     */
    private void updateEnforcement(EndpointPolicy ep) {
        SortedSet<PolicyOrigin> in = new TreeSet<>();
        SortedSet<PolicyOrigin> out = new TreeSet<>();
        RuleOrigins ro = new RuleOrigins();
        for (Rule r : allRules()) {
            if (r.endpointSelector().matches(ep.identity().labels())) {
                if (r.defaultDenyIngress()) {
                    in.add(r.origin());
                }
                if (r.defaultDenyEgress()) {
                    out.add(r.origin());
                }
                if (!builtin.contains(r)) {
                    if (!r.ingress().isEmpty() || !r.ingressDeny().isEmpty()) {
                        ro.ingress().add(r.origin());
                    }
                    if (!r.egress().isEmpty() || !r.egressDeny().isEmpty()) {
                        ro.egress().add(r.origin());
                    }
                }
            }
        }
        ruleOrigins.put(ep.id(), ro);
        enforce(ep, new Enforcement(in, out, !ro.ingress().isEmpty(), !ro.egress().isEmpty()));
    }

    /** Puts {@code e} in force, with the allow-all element of a direction enforced without default deny. */
    private void enforce(EndpointPolicy ep, Enforcement e) {
        for (Direction d : Direction.values()) {
            defaultAllow(ep, d, e.defaultAllow(d));
        }
        if (ep.enforcement(e)) {
            changes(ep.id()).enforcement(e);
        }
    }

    private void defaultAllow(EndpointPolicy ep, Direction direction, boolean wanted) {
        RuleRef ref = BuiltinRules.defaultAllow(direction);
        boolean present = ep.plan(ref) != null;
        if (wanted && !present) {
            ep.addElement(new ElementPlan(ref, true, List.of(), List.of(ElementPlan.Port.ALL)), Set.of(0), materializer);
        } else if (!wanted && present) {
            ep.removeElement(ref, materializer);
        }
    }

    // ---- CIDR identities

    private void acquireCidr(Ipv4Prefix prefix) {
        if (prefix.length() == 0) {
            return;
        }
        if (cidrUses.merge(prefix, 1, Integer::sum) == 1) {
            Identity identity = acquireIdentity(dev.porin.identity.IdentityAllocator.cidrLabels(prefix));
            cidrIdentities.put(prefix, identity);
            pendingCidrDeletes.remove(prefix);
            pendingCidrUpserts.put(prefix, identity.id());
        }
    }

    private void releaseCidr(Ipv4Prefix prefix) {
        Integer left = cidrUses.computeIfPresent(prefix, (p, n) -> n - 1);
        if (left != null && left == 0) {
            cidrUses.remove(prefix);
            releaseIdentity(cidrIdentities.remove(prefix));
            pendingCidrUpserts.remove(prefix);
            pendingCidrDeletes.add(prefix);
        }
    }

    /** The CIDR identities in force, for the IP cache. */
    public Map<Ipv4Prefix, Integer> cidrIdentities() {
        Map<Ipv4Prefix, Integer> out = new TreeMap<>();
        cidrIdentities.forEach((p, i) -> out.put(p, i.id()));
        return out;
    }

    // ---- results

    /** The changes since the last call, with a new revision if there are any. */
    public PolicyChanges drain() {
        pending.values().removeIf(EndpointChanges::isEmpty);
        boolean any = !pending.isEmpty() || !pendingCidrUpserts.isEmpty() || !pendingCidrDeletes.isEmpty();
        if (any) {
            revision++;
        }
        PolicyChanges out = new PolicyChanges(revision, pending, pendingCidrUpserts, pendingCidrDeletes);
        pending = new LinkedHashMap<>();
        pendingCidrUpserts = new LinkedHashMap<>();
        pendingCidrDeletes = new HashSet<>();
        return out;
    }

    public long revision() {
        return revision;
    }

    /**
     * Continues after {@code published}, the last revision a previous run gave the datapath, so that
     * revisions never go back: connections the datapath last checked under an old revision must never
     * find it current again.
     */
    public void resumeAfter(long published) {
        revision = Math.max(revision, published);
    }

    /** A new revision without changes of the engine's own, for changes the datapath got some other way. */
    public long nextRevision() {
        return ++revision;
    }

    /** An endpoint's current map entries, sorted. */
    public Map<PolicyKey, PolicyEntry> entries(int endpoint) {
        EndpointPolicy ep = endpoints.get(endpoint);
        return ep == null ? Map.of() : ep.entries();
    }

    public int entryCount(int endpoint) {
        EndpointPolicy ep = endpoints.get(endpoint);
        return ep == null ? 0 : ep.size();
    }

    public Enforcement enforcement(int endpoint) {
        EndpointPolicy ep = endpoints.get(endpoint);
        return ep == null ? Enforcement.NONE : ep.enforcement();
    }

    public Optional<Identity> endpointIdentity(int endpoint) {
        EndpointPolicy ep = endpoints.get(endpoint);
        return ep == null ? Optional.empty() : Optional.of(ep.identity());
    }

    /** The rules a cookie stands for. Safe to call from any thread. */
    public List<RuleRef> attribution(int cookie) {
        return attribution.rules(cookie);
    }

    private EndpointChanges changes(int endpoint) {
        return pending.computeIfAbsent(endpoint, e -> new EndpointChanges());
    }

    private final EndpointPolicy.Materializer materializer = new EndpointPolicy.Materializer() {
        @Override
        public boolean sameRules(int cookie, SortedSet<RuleRef> refs) {
            return attribution.rules(cookie).equals(List.copyOf(refs));
        }

        @Override
        public PolicyEntry write(int endpoint, PolicyKey key, boolean deny, SortedSet<RuleRef> refs, PolicyEntry old) {
            PolicyEntry entry = new PolicyEntry(deny, attribution.acquire(refs));
            if (old != null) {
                attribution.release(old.cookie());
            }
            changes(endpoint).upsert(key, entry);
            return entry;
        }

        @Override
        public void delete(int endpoint, PolicyKey key, PolicyEntry old) {
            attribution.release(old.cookie());
            changes(endpoint).delete(key);
        }
    };

    private record RuleOrigins(SortedSet<PolicyOrigin> ingress, SortedSet<PolicyOrigin> egress) {
        RuleOrigins() {
            this(new TreeSet<>(), new TreeSet<>());
        }
    }
}
