// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.identity.Identity;
import dev.porin.identity.IdentityAllocator;
import dev.porin.identity.SecurityLabels;
import dev.porin.labels.LabelSelector;
import dev.porin.labels.LabelSelector.Operator;
import dev.porin.labels.LabelSelector.Requirement;
import dev.porin.labels.Labels;
import dev.porin.net.Ipv4Prefix;
import dev.porin.policy.api.Entity;
import dev.porin.policy.api.IcmpField;
import dev.porin.policy.api.Peer;
import dev.porin.policy.api.PeerRule;
import dev.porin.policy.api.PolicyOrigin;
import dev.porin.policy.api.PortProtocol;
import dev.porin.policy.api.PortRule;
import dev.porin.policy.api.Protocol;
import dev.porin.policy.api.Rule;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static dev.porin.policy.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of identities and rules, resolved twice: incrementally, in random order and with detours (old
 * policy versions, pods and policies that come and go, endpoints that change), and all at once. Both must
 * end with the same entries for every endpoint; and the changes drained along the way, applied in order,
 * must rebuild exactly the incremental engine's maps. No timing is asserted.
 */
class PolicyEngineScaleTest {

    private static final String[] TIERS = {"fe", "be", "db"};
    private static final String[][] CIDRS = {{"10.0.0.0/8", "10.1.0.0/16"}, {"10.1.0.0/16"}, {"10.1.2.0/24"},
            {"192.168.0.0/16", "192.168.1.0/24", "192.168.2.0/24"}, {"192.168.1.0/24"}, {"0.0.0.0/0", "10.0.0.0/8"},
            {"172.16.0.0/12", "172.16.5.0/24"}, {"198.51.100.7/32"}, {"203.0.113.0/24"}};
    private static final Entity[] ENTITIES = {Entity.HOST, Entity.WORLD, Entity.CLUSTER, Entity.ALL, Entity.REMOTE_NODE,
            Entity.KUBE_APISERVER, Entity.NONE, Entity.HEALTH, Entity.INIT};
    private static final Map<String, Set<NamedPort>> CLUSTER_PORTS = Map.of(
            "http", Set.of(new NamedPort("http", 8080, Protocol.TCP), new NamedPort("http", 8081, Protocol.TCP)),
            "dns", Set.of(new NamedPort("dns", 53, Protocol.UDP)));

    private Random rnd;

    private String ns() {
        return "ns" + rnd.nextInt(4);
    }

    private Labels podLabels(String ns, String... extra) {
        Map<String, String> l = new HashMap<>(Map.of("app", "app" + rnd.nextInt(30), "tier", TIERS[rnd.nextInt(3)],
                "version", "v" + rnd.nextInt(25)));
        for (String kv : extra) {
            l.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        return SecurityLabels.forPod(ns, l, Map.of("team", ns.equals("ns0") ? "core" : "apps"), "default");
    }

    /** Mostly narrow selectors (one app), some wide ones (a tier, a whole namespace). */
    private LabelSelector podSelector(String ns) {
        int kind = rnd.nextInt(20);
        LabelSelector base;
        if (kind < 10) {
            base = pods(ns, "app=app" + rnd.nextInt(30));
        } else if (kind < 14) {
            base = new LabelSelector(List.of(Requirement.of("app", Operator.IN, List.of("app" + rnd.nextInt(30), "app" + rnd.nextInt(30))),
                    Requirement.of("version", Operator.IN, List.of("v" + rnd.nextInt(25)))));
        } else if (kind < 17) {
            base = pods(ns, "app=app" + rnd.nextInt(30)).and(Requirement.of("tier", Operator.NOT_IN, List.of(TIERS[rnd.nextInt(3)])));
        } else if (kind < 18) {
            base = pods(ns, "tier=" + TIERS[rnd.nextInt(3)]);
        } else if (kind < 19) {
            base = pods(ns);
        } else {
            base = pods(null, "io.cilium.k8s.namespace.labels.team=core", "version=v" + rnd.nextInt(25));
        }
        return ns == null && base.isEmpty() ? pods(null, "tier=fe") : base;
    }

    private Peer peer() {
        return switch (rnd.nextInt(10)) {
            case 0, 1 -> entity(ENTITIES[rnd.nextInt(ENTITIES.length)]);
            case 2, 3 -> {
                String[] c = CIDRS[rnd.nextInt(CIDRS.length)];
                yield cidr(c[0], java.util.Arrays.copyOfRange(c, 1, c.length));
            }
            default -> endpoints(podSelector(rnd.nextBoolean() ? ns() : null));
        };
    }

    private PortProtocol portProtocol() {
        return switch (rnd.nextInt(10)) {
            case 0 -> tcp(80);
            case 1 -> tcp(443);
            case 2 -> port(53, Protocol.UDP);
            case 3 -> port(53, Protocol.ANY);
            case 4 -> range(80, 81, Protocol.TCP);
            case 5 -> range(8000, 8100, Protocol.TCP);
            case 6 -> tcp(0);
            case 7 -> named("http", Protocol.TCP);
            case 8 -> named("dns", Protocol.ANY);
            default -> range(1024, 65535, Protocol.TCP);
        };
    }

    private PeerRule element(boolean deny) {
        int kind = rnd.nextInt(10);
        List<Peer> peers = new ArrayList<>();
        boolean any = kind == 0;
        if (!any && kind != 1) {
            peers.add(peer());
            if (kind == 2) {
                peers.add(peer());
            }
        }
        int ports = rnd.nextInt(4);
        if (rnd.nextInt(8) == 0) {
            return new PeerRule(any, peers, List.of(), List.of(new IcmpField(false, rnd.nextBoolean() ? 8 : 0)));
        }
        List<PortProtocol> pp = new ArrayList<>();
        for (int i = 0; i < ports; i++) {
            pp.add(portProtocol());
        }
        if (any && pp.isEmpty()) {
            pp.add(tcp(80));
        }
        return new PeerRule(any, peers, pp.isEmpty() ? List.of() : List.of(new PortRule(pp, null, List.of())), List.of());
    }

    private List<Rule> policy(PolicyOrigin origin) {
        List<Rule> rules = new ArrayList<>();
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            Fixtures.RuleBuilder b = rule(origin, podSelector(origin.namespace())).index(i);
            for (int k = rnd.nextInt(3); k > 0; k--) {
                b.ingress(element(false));
            }
            for (int k = rnd.nextInt(3); k > 0; k--) {
                b.egress(element(false));
            }
            if (rnd.nextInt(3) == 0) {
                b.ingressDeny(element(true));
            }
            if (rnd.nextInt(4) == 0) {
                b.egressDeny(element(true));
            }
            if (rnd.nextInt(10) == 0) {
                b.enableDefaultDeny(false, rnd.nextBoolean());
            }
            rules.add(b.build());
        }
        return rules;
    }

    private record EndpointSpec(int id, Labels labels, List<NamedPort> ports) {
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2})
    void incrementalResolutionEqualsResolutionFromScratch(long seed) {
        rnd = new Random(seed);
        Set<Labels> identities = new LinkedHashSet<>();
        while (identities.size() < 2000) {
            identities.add(podLabels(ns()));
        }
        List<Labels> pool = List.copyOf(identities);
        List<EndpointSpec> endpoints = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            endpoints.add(new EndpointSpec(100 + i, pool.get(rnd.nextInt(pool.size())),
                    List.of(new NamedPort("http", 8080 + rnd.nextInt(2), Protocol.TCP), new NamedPort("dns", 53, Protocol.UDP))));
        }
        Map<PolicyOrigin, List<Rule>> policies = new TreeMap<>();
        for (int i = 0; i < 300; i++) {
            PolicyOrigin o = i % 5 == 0 ? ccnp("ccnp-" + i) : cnp(ns(), "cnp-" + i);
            policies.put(o, policy(o));
        }
        assertThat(policies.values().stream().mapToInt(List::size).sum()).isGreaterThan(600);

        // ---- incrementally: every item is a little script of steps; scripts are interleaved at random
        PolicyEngine inc = new PolicyEngine(new IdentityAllocator(), List.of(BuiltinRules.allowLocalhost()));
        Replica replica = new Replica();
        List<List<Runnable>> scripts = new ArrayList<>();
        for (Labels l : pool) {
            scripts.add(List.of(() -> inc.acquireIdentity(l)));
        }
        for (int i = 0; i < 200; i++) {
            Labels temp = podLabels(ns(), "temp=" + i);
            Identity[] held = new Identity[1];
            scripts.add(List.of(() -> held[0] = inc.acquireIdentity(temp), () -> inc.releaseIdentity(held[0])));
        }
        for (EndpointSpec e : endpoints) {
            Labels detour = pool.get(rnd.nextInt(pool.size()));
            Identity[] held = new Identity[2];
            List<Runnable> s = new ArrayList<>();
            if (rnd.nextBoolean()) {
                s.add(() -> inc.upsertEndpoint(e.id(), held[1] = inc.acquireIdentity(detour), List.of()));
                if (rnd.nextBoolean()) {
                    s.add(() -> inc.removeEndpoint(e.id()));
                }
            }
            s.add(() -> inc.upsertEndpoint(e.id(), held[0] = inc.acquireIdentity(e.labels()), e.ports()));
            s.add(() -> {
                if (held[1] != null) {
                    inc.releaseIdentity(held[1]);
                }
            });
            scripts.add(s);
        }
        for (int i = 0; i < 10; i++) {
            int id = 500 + i;
            Identity[] held = new Identity[1];
            Labels l = pool.get(rnd.nextInt(pool.size()));
            scripts.add(List.of(() -> inc.upsertEndpoint(id, held[0] = inc.acquireIdentity(l), List.of()),
                    () -> inc.removeEndpoint(id), () -> inc.releaseIdentity(held[0])));
        }
        policies.forEach((o, rules) -> {
            List<Runnable> s = new ArrayList<>();
            for (int v = rnd.nextInt(3); v > 0; v--) {
                List<Rule> old = policy(o);
                s.add(() -> inc.setPolicy(o, old));
            }
            if (rnd.nextInt(5) == 0) {
                s.add(() -> inc.setPolicy(o, List.of()));
            }
            s.add(() -> inc.setPolicy(o, rules));
            scripts.add(s);
        });
        for (int i = 0; i < 40; i++) {
            PolicyOrigin o = cnp(ns(), "temp-" + i);
            List<Rule> rules = policy(o);
            scripts.add(List.of(() -> inc.setPolicy(o, rules), () -> inc.setPolicy(o, List.of())));
        }
        scripts.add(List.of(() -> inc.setClusterNamedPorts(Map.of("http", Set.of(new NamedPort("http", 9999, Protocol.TCP)))),
                () -> inc.setClusterNamedPorts(CLUSTER_PORTS)));

        int[] next = new int[scripts.size()];
        List<Integer> open = new ArrayList<>();
        for (int i = 0; i < scripts.size(); i++) {
            open.add(i);
        }
        while (!open.isEmpty()) {
            int pick = rnd.nextInt(open.size());
            int s = open.get(pick);
            scripts.get(s).get(next[s]++).run();
            if (next[s] == scripts.get(s).size()) {
                open.remove(pick);
            }
            if (rnd.nextInt(50) == 0) {
                replica.apply(inc.drain());
            }
        }
        replica.apply(inc.drain());

        // ---- all at once
        PolicyEngine scratch = new PolicyEngine(new IdentityAllocator(), List.of(BuiltinRules.allowLocalhost()));
        scratch.setClusterNamedPorts(CLUSTER_PORTS);
        pool.forEach(scratch::acquireIdentity);
        policies.forEach(scratch::setPolicy);
        for (EndpointSpec e : endpoints) {
            scratch.upsertEndpoint(e.id(), scratch.acquireIdentity(e.labels()), e.ports());
        }

        int total = 0;
        for (EndpointSpec e : endpoints) {
            Map<String, String> expected = canonical(scratch, e.id());
            assertThat(canonical(inc, e.id())).as("endpoint %d", e.id()).isEqualTo(expected);
            assertThat(inc.enforcement(e.id())).as("enforcement of %d", e.id()).isEqualTo(scratch.enforcement(e.id()));
            assertThat(replica.maps.getOrDefault(e.id(), Map.of())).as("replayed map of %d", e.id()).isEqualTo(inc.entries(e.id()));
            assertThat(replica.enforcement.get(e.id())).isEqualTo(inc.enforcement(e.id()));
            total += expected.size();
        }
        assertThat(total).as("a non-trivial policy").isGreaterThan(10_000);
        assertThat(replica.maps.keySet()).as("endpoints that came and went leave no map")
                .isSubsetOf(endpoints.stream().map(EndpointSpec::id).toList());
        assertThat(inc.cidrIdentities().keySet()).isEqualTo(scratch.cidrIdentities().keySet());
        assertThat(replica.ipcache).isEqualTo(inc.cidrIdentities());
        assertThat(labelsOf(inc)).as("nothing temporary is left behind").isEqualTo(labelsOf(scratch));
    }

    /** Entries with identities spelled as labels and cookies as the rules behind them: comparable across engines. */
    private static Map<String, String> canonical(PolicyEngine engine, int endpoint) {
        Map<String, String> out = new TreeMap<>();
        engine.entries(endpoint).forEach((k, e) -> {
            String peer = k.identity() == 0 ? "any" : engine.identity(k.identity()).orElseThrow().labels().toString();
            out.put(k.direction() + " " + peer + " " + k.portProtocol(),
                    (e.deny() ? "deny " : "allow ") + engine.attribution(e.cookie()));
        });
        return out;
    }

    private static Set<Labels> labelsOf(PolicyEngine engine) {
        Set<Labels> out = new java.util.HashSet<>();
        engine.identities().forEach(i -> out.add(i.labels()));
        return out;
    }

    /** What a datapath holds after applying every drained change in order. */
    private static final class Replica {
        final Map<Integer, Map<PolicyKey, PolicyEntry>> maps = new HashMap<>();
        final Map<Integer, Enforcement> enforcement = new HashMap<>();
        final Map<Ipv4Prefix, Integer> ipcache = new TreeMap<>();

        void apply(PolicyChanges ch) {
            ch.endpoints().forEach((id, c) -> {
                if (c.removed()) {
                    maps.remove(id);
                    enforcement.remove(id);
                    return;
                }
                Map<PolicyKey, PolicyEntry> m = maps.computeIfAbsent(id, x -> new TreeMap<>());
                c.deletes().forEach(m::remove);
                m.putAll(c.upserts());
                if (c.enforcement() != null) {
                    enforcement.put(id, c.enforcement());
                }
                enforcement.putIfAbsent(id, Enforcement.NONE);
                if (m.isEmpty()) {
                    maps.remove(id);
                }
            });
            ch.cidrDeletes().forEach(ipcache::remove);
            ipcache.putAll(ch.cidrUpserts());
            ch.cidrDeletes().forEach(p -> assertThat(ch.cidrUpserts()).doesNotContainKey(p));
        }
    }
}
