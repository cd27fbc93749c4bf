// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.identity.Identity;
import dev.porin.policy.api.Direction;
import dev.porin.policy.api.PolicyOrigin;
import dev.porin.policy.api.RuleRef;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The policy of one endpoint, kept incrementally. Each rule element contributes keys for the identities
 * it currently selects; several elements may contribute the same key. Keys are grouped by peer identity
 * and direction, and each group is turned into map entries ("materialized") on its own:
 *
 * <ul>
 *   <li>a key any deny element contributes is a deny entry, whatever allows it too;</li>
 *   <li>a key only allow elements contribute is an allow entry, unless a deny entry of the same group
 *       covers it. The datapath's LPM lookup prefers the longest prefix, so such an allow would win over
 *       the broader deny; it is left out, and the lookup falls to the deny.</li>
 * </ul>
 *
 * Entries of different groups need no such care: the datapath consults the exact peer and the any-peer
 * entry separately and lets a deny from either win.
 */
final class EndpointPolicy {

    private record Group(int identity, Direction direction) {
    }

    /** The rules behind one key. */
    private static final class Contribution {
        final SortedSet<RuleRef> allow = new TreeSet<>();
        final SortedSet<RuleRef> deny = new TreeSet<>();

        boolean isEmpty() {
            return allow.isEmpty() && deny.isEmpty();
        }
    }

    /** An element in force for this endpoint, and the peer identities it contributes keys for. */
    private static final class Element {
        final ElementPlan plan;
        final Set<Integer> identities = new HashSet<>();

        Element(ElementPlan plan) {
            this.plan = plan;
        }
    }

    private final int id;
    private Identity identity;
    private final Map<RuleRef, Element> elements = new HashMap<>();
    private final Map<PolicyOrigin, Set<RuleRef>> byOrigin = new HashMap<>();
    private final Map<Group, Map<PolicyKey, Contribution>> logical = new HashMap<>();
    private final Map<Group, Map<PolicyKey, PolicyEntry>> materialized = new HashMap<>();
    private Enforcement enforcement = Enforcement.NONE;

    EndpointPolicy(int id, Identity identity) {
        this.id = id;
        this.identity = identity;
    }

    int id() {
        return id;
    }

    Identity identity() {
        return identity;
    }

    void identity(Identity identity) {
        this.identity = identity;
    }

    Enforcement enforcement() {
        return enforcement;
    }

    /** Sets the enforcement; true if it changed. */
    boolean enforcement(Enforcement e) {
        if (e.equals(enforcement)) {
            return false;
        }
        enforcement = e;
        return true;
    }

    Set<RuleRef> elementRefs() {
        return Set.copyOf(elements.keySet());
    }

    /** The elements in force that come from one policy. */
    Set<RuleRef> elementRefs(PolicyOrigin origin) {
        Set<RuleRef> refs = byOrigin.get(origin);
        return refs == null ? Set.of() : Set.copyOf(refs);
    }

    ElementPlan plan(RuleRef ref) {
        Element e = elements.get(ref);
        return e == null ? null : e.plan;
    }

    /** Puts an element in force for the given peer identities (0 alone for any peer). */
    void addElement(ElementPlan plan, Set<Integer> identities, Materializer m) {
        Element e = new Element(plan);
        elements.put(plan.ref(), e);
        byOrigin.computeIfAbsent(plan.ref().origin(), o -> new HashSet<>()).add(plan.ref());
        Set<Group> touched = new HashSet<>();
        for (int identity : identities) {
            contribute(e, identity, touched);
        }
        touched.forEach(g -> materialize(g, m));
    }

    void removeElement(RuleRef ref, Materializer m) {
        Element e = elements.remove(ref);
        if (e == null) {
            return;
        }
        Set<RuleRef> refs = byOrigin.get(ref.origin());
        if (refs != null && refs.remove(ref) && refs.isEmpty()) {
            byOrigin.remove(ref.origin());
        }
        Set<Group> touched = new HashSet<>();
        for (int identity : List.copyOf(e.identities)) {
            withdraw(e, identity, touched);
        }
        touched.forEach(g -> materialize(g, m));
    }

    /** A selector of the element started selecting {@code identity}. */
    void addIdentity(RuleRef ref, int identity, Materializer m) {
        Element e = elements.get(ref);
        if (e == null || e.identities.contains(identity)) {
            return;
        }
        Set<Group> touched = new HashSet<>();
        contribute(e, identity, touched);
        touched.forEach(g -> materialize(g, m));
    }

    /** {@code identity} is no longer selected by any selector of the element. */
    void removeIdentity(RuleRef ref, int identity, Materializer m) {
        Element e = elements.get(ref);
        if (e == null || !e.identities.contains(identity)) {
            return;
        }
        Set<Group> touched = new HashSet<>();
        withdraw(e, identity, touched);
        touched.forEach(g -> materialize(g, m));
    }

    private void contribute(Element e, int identity, Set<Group> touched) {
        e.identities.add(identity);
        Group g = new Group(identity, e.plan.direction());
        Map<PolicyKey, Contribution> keys = logical.computeIfAbsent(g, x -> new HashMap<>());
        for (PolicyKey k : e.plan.keys(identity)) {
            Contribution c = keys.computeIfAbsent(k, x -> new Contribution());
            (e.plan.deny() ? c.deny : c.allow).add(e.plan.ref());
        }
        touched.add(g);
    }

    private void withdraw(Element e, int identity, Set<Group> touched) {
        e.identities.remove(identity);
        Group g = new Group(identity, e.plan.direction());
        Map<PolicyKey, Contribution> keys = logical.get(g);
        if (keys == null) {
            return;
        }
        for (PolicyKey k : e.plan.keys(identity)) {
            Contribution c = keys.get(k);
            if (c != null) {
                (e.plan.deny() ? c.deny : c.allow).remove(e.plan.ref());
                if (c.isEmpty()) {
                    keys.remove(k);
                }
            }
        }
        if (keys.isEmpty()) {
            logical.remove(g);
        }
        touched.add(g);
    }

    /** Recomputes one group's entries and reports the difference. */
    private void materialize(Group g, Materializer m) {
        Map<PolicyKey, Contribution> keys = logical.getOrDefault(g, Map.of());
        List<PolicyKey> denies = keys.entrySet().stream().filter(e -> !e.getValue().deny.isEmpty())
                .map(Map.Entry::getKey).toList();
        Map<PolicyKey, PolicyEntry> before = materialized.getOrDefault(g, Map.of());
        Map<PolicyKey, PolicyEntry> after = new HashMap<>();
        for (Map.Entry<PolicyKey, Contribution> e : keys.entrySet()) {
            PolicyKey k = e.getKey();
            Contribution c = e.getValue();
            boolean deny = !c.deny.isEmpty();
            if (!deny && denies.stream().anyMatch(d -> d.covers(k))) {
                continue;
            }
            SortedSet<RuleRef> refs = deny ? c.deny : c.allow;
            PolicyEntry old = before.get(k);
            if (old != null && old.deny() == deny && m.sameRules(old.cookie(), refs)) {
                after.put(k, old);
            } else {
                after.put(k, m.write(id, k, deny, refs, old));
            }
        }
        for (Map.Entry<PolicyKey, PolicyEntry> e : before.entrySet()) {
            if (!after.containsKey(e.getKey())) {
                m.delete(id, e.getKey(), e.getValue());
            }
        }
        if (after.isEmpty()) {
            materialized.remove(g);
        } else {
            materialized.put(g, after);
        }
    }

    /** Every entry, sorted by key. */
    Map<PolicyKey, PolicyEntry> entries() {
        Map<PolicyKey, PolicyEntry> all = new TreeMap<>();
        materialized.values().forEach(all::putAll);
        return all;
    }

    int size() {
        return materialized.values().stream().mapToInt(Map::size).sum();
    }

    /** Where the entries go: the engine, which hands out cookies and collects the changes. */
    interface Materializer {
        boolean sameRules(int cookie, SortedSet<RuleRef> refs);

        /** Writes {@code key}, replacing {@code old} (or null); returns the entry written. */
        PolicyEntry write(int endpoint, PolicyKey key, boolean deny, SortedSet<RuleRef> refs, PolicyEntry old);

        void delete(int endpoint, PolicyKey key, PolicyEntry old);
    }
}
