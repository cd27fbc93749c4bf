// SPDX-License-Identifier: Apache-2.0
package dev.porin.bench;

import dev.porin.identity.Identity;
import dev.porin.identity.IdentityAllocator;
import dev.porin.policy.BuiltinRules;
import dev.porin.policy.PolicyChanges;
import dev.porin.policy.PolicyEngine;
import dev.porin.policy.api.Peer;
import dev.porin.policy.api.PolicyOrigin;
import dev.porin.policy.api.Rule;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.porin.bench.PolicyFixtures.cnp;
import static dev.porin.bench.PolicyFixtures.from;
import static dev.porin.bench.PolicyFixtures.ingress;
import static dev.porin.bench.PolicyFixtures.pod;
import static dev.porin.bench.PolicyFixtures.pods;

/**
 * The policy engine's two costs that users wait for:
 *
 * <ul>
 *   <li>{@code resolveEndpoint}: a new endpoint's policy with 1 000 identities and 1 000 rules selecting it,
 *       resolved and turned into its map entries ({@code upsertEndpoint} + {@code drain}). Identity
 *       {@code app=appA,version=vV} (100 apps × 10 versions); rule i allows TCP port 1000 + i/100 from
 *       {@code app=app(i mod 100)}: 10 identities × 10 ports per app, 10 000 entries.</li>
 *   <li>{@code oneRuleChange}: one rule changed on top of 10 000 rules ({@code setPolicy} of a one-rule
 *       policy, alternately allowing the client on port 11120 and 11121, + {@code drain}). The 10 000 rules
 *       are those of bench/policy.sh: 100 policies of 100 rules, rule k allows TCP port 20000 + k/1000 from
 *       198.18.J/32 (J = k mod 1000, 1 000 CIDR identities), all selecting one server; a client and two more
 *       endpoints exist too.</li>
 * </ul>
 */
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx1g"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PolicyResolveBenchmark {

    @State(Scope.Thread)
    public static class ThousandByThousand {
        PolicyEngine engine;
        Identity server;
        int next = 1000;

        @Setup(Level.Trial)
        public void setUp() {
            engine = new PolicyEngine(new IdentityAllocator(), List.of(BuiltinRules.allowLocalhost()));
            for (int a = 0; a < 100; a++) {
                for (int v = 0; v < 10; v++) {
                    engine.acquireIdentity(pod(Map.of("app", "app" + a, "version", "v" + v)));
                }
            }
            server = engine.acquireIdentity(pod(Map.of("app", "server")));
            for (int o = 0; o < 10; o++) {
                PolicyOrigin origin = cnp("policy-" + o);
                List<Rule> rules = new ArrayList<>();
                for (int r = 0; r < 100; r++) {
                    int i = o * 100 + r;
                    rules.add(ingress(origin, r, pods("app", "server"),
                            from(new Peer.Endpoints(pods("app", "app" + (i % 100))), 1000 + i / 100)));
                }
                engine.setPolicy(origin, rules);
            }
            engine.drain();
            // Check the shape once: 10 000 entries, plus the host's.
            engine.upsertEndpoint(1, server, List.of());
            int entries = engine.entryCount(1);
            if (entries != 10_001) {
                throw new IllegalStateException("expected 10 001 entries, got " + entries);
            }
            engine.removeEndpoint(1);
            engine.drain();
        }

        @TearDown(Level.Invocation)
        public void removeEndpoint() {
            engine.removeEndpoint(next);
            engine.drain();
            next++;
        }
    }

    @Benchmark
    public PolicyChanges resolveEndpoint(ThousandByThousand s) {
        s.engine.upsertEndpoint(s.next, s.server, List.of());
        return s.engine.drain();
    }

    @State(Scope.Thread)
    public static class TenThousandRules {
        PolicyEngine engine;
        final PolicyOrigin toggle = cnp("toggle");
        List<Rule> open;
        List<Rule> closed;
        boolean opened;

        @Setup(Level.Trial)
        public void setUp() {
            engine = new PolicyEngine(new IdentityAllocator(), List.of(BuiltinRules.allowLocalhost()));
            engine.upsertEndpoint(1, engine.acquireIdentity(pod(Map.of("app", "pbench-client"))), List.of());
            engine.upsertEndpoint(2, engine.acquireIdentity(pod(Map.of("app", "pbench-s2", "role", "server"))), List.of());
            engine.upsertEndpoint(3, engine.acquireIdentity(pod(Map.of("app", "pbench-s10k", "role", "server"))), List.of());
            engine.upsertEndpoint(4, engine.acquireIdentity(pod(Map.of("app", "pbench-s60k", "role", "server"))), List.of());
            for (int o = 0; o < 100; o++) {
                PolicyOrigin origin = cnp(String.format("rules10k-%02d", o));
                List<Rule> rules = new ArrayList<>();
                for (int r = 0; r < 100; r++) {
                    int k = o * 100 + r;
                    int j = k % 1000;
                    rules.add(ingress(origin, r, pods("app", "pbench-s10k"),
                            from(new Peer.Cidr("198.18." + j / 256 + "." + j % 256 + "/32", List.of()), 20000 + k / 1000)));
                }
                engine.setPolicy(origin, rules);
            }
            open = List.of(toggleRule(11120));
            closed = List.of(toggleRule(11121));
            engine.setPolicy(toggle, closed);
            engine.drain();
            if (engine.entryCount(3) != 10_002 || engine.identities().size() < 1000) {
                throw new IllegalStateException("expected 10 002 entries and 1 000 identities, got "
                        + engine.entryCount(3) + " and " + engine.identities().size());
            }
        }

        private Rule toggleRule(int port) {
            return ingress(toggle, 0, pods("app", "pbench-s10k"),
                    from(new Peer.Endpoints(pods("app", "pbench-client")), port));
        }
    }

    @Benchmark
    public PolicyChanges oneRuleChange(TenThousandRules s) {
        s.opened = !s.opened;
        s.engine.setPolicy(s.toggle, s.opened ? s.open : s.closed);
        return s.engine.drain();
    }
}
