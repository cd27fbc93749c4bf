// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e.harness;

import dev.porin.api.Json;
import dev.porin.api.v1.ApplyResult;
import dev.porin.api.v1.EndpointModel;
import dev.porin.e2e.harness.Reachability.Cell;
import dev.porin.e2e.harness.Reachability.Pod;
import tools.jackson.core.type.TypeReference;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The network-policy test world: one agent with a /24 of its own, namespaces {@code x}, {@code y} and
 * {@code z} (applied as Namespace objects labelled {@code ns=x} ...), and pods {@code a}, {@code b} and
 * {@code c} in each (labelled {@code pod=a} ...), every pod serving TCP and UDP on ports 80 and 81 for the
 * lifetime of the world.
 */
public final class PolicyWorld implements AutoCloseable {

    public static final List<String> NAMESPACES = List.of("x", "y", "z");
    public static final List<String> POD_NAMES = List.of("a", "b", "c");

    /** Each probe's timeout: a denied cell costs this much, and all cells are probed at once. */
    public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    /** How often a matrix is probed before a mismatch fails the test. */
    private static final int ATTEMPTS = 3;

    private final String cidr;
    private TestAgent agent;
    private final Map<Pod, TestPod> pods = new LinkedHashMap<>();
    private Reachability.Servers servers;
    private int retriedMatrices;

    private PolicyWorld(String cidr) {
        this.cidr = cidr;
    }

    /** Starts the world with nothing applied but the namespaces. */
    public static PolicyWorld start() {
        return start("");
    }

    /**
     * Starts the world; {@code beforePods} (YAML, may be empty) is applied after the namespaces and before
     * any pod is attached, e.g. Pod objects that must be known when their pods start.
     */
    public static PolicyWorld start(String beforePods) {
        PolicyWorld world = new PolicyWorld(freeCidr());
        try {
            world.agent = TestAgent.start(world.cidr);
            StringBuilder ns = new StringBuilder();
            for (String n : NAMESPACES) {
                ns.append("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ").append(n)
                        .append("\n  labels:\n    ns: ").append(n).append("\n---\n");
            }
            world.apply("namespaces.yaml", ns.toString());
            if (!beforePods.isBlank()) {
                world.apply("before-pods.yaml", beforePods);
            }
            for (String n : NAMESPACES) {
                for (String p : POD_NAMES) {
                    world.pods.put(new Pod(n, p), TestPod.attached(world.agent, n, p, Map.of("pod", p)));
                }
            }
            world.servers = Reachability.serve(List.copyOf(world.pods.values()), Reachability.PORTS);
            return world;
        } catch (RuntimeException | AssertionError e) {
            world.close();
            throw e;
        }
    }

    /**
     * A /24 in 10.203.0.0/16 that no route or address of this machine touches yet: other agents may run
     * on the same machine at the same time, each with its own pod network.
     */
    private static String freeCidr() {
        SecureRandom random = new SecureRandom();
        for (int attempt = 0; attempt < 64; attempt++) {
            String prefix = "10.203." + random.nextInt(256) + ".";
            String routes = Cmd.check("ip", "-4", "route", "show", "table", "all").stdout();
            String addresses = Cmd.check("ip", "-4", "-o", "addr", "show").stdout();
            if (!routes.contains(prefix) && !addresses.contains(prefix)) {
                return prefix + "0/24";
            }
        }
        throw new IllegalStateException("no free /24 in 10.203.0.0/16");
    }

    public TestAgent agent() {
        return agent;
    }

    /** The pod CIDR, e.g. {@code 10.203.7.0/24}. */
    public String cidr() {
        return cidr;
    }

    /** The first three octets of the pod CIDR with a trailing dot, e.g. {@code 10.203.7.}. */
    public String cidrBase() {
        return cidr.substring(0, cidr.lastIndexOf('.') + 1);
    }

    /** The pods' gateway: the host's address on the pod network. */
    public String gateway() {
        return cidrBase() + "1";
    }

    /** Pod {@code ns/name}, e.g. {@code x/a}. */
    public TestPod pod(String name) {
        TestPod p = pods.get(Pod.parse(name));
        if (p == null) {
            throw new IllegalArgumentException("no pod " + name);
        }
        return p;
    }

    public List<TestPod> pods() {
        return List.copyOf(pods.values());
    }

    public List<Pod> podNames() {
        return List.copyOf(pods.keySet());
    }

    /** The agent's endpoint ID of a pod. */
    public int endpointId(String pod) {
        String ip = pod(pod).ip();
        return agent.client().get("/v1/endpoint", new TypeReference<List<EndpointModel>>() { }).stream()
                .filter(e -> ip.equals(e.ipv4())).findFirst()
                .orElseThrow(() -> new AssertionError("no endpoint for " + pod)).id();
    }

    // ---- objects

    /** {@code porin apply -f SOURCE}; an {@link dev.porin.cli.client.AgentException} if the agent refuses. */
    public ApplyResult apply(String source, String yaml) {
        return Json.MAPPER.readValue(agent.client().call("POST", "/v1/resources?source=" + source,
                yaml.getBytes(StandardCharsets.UTF_8)), ApplyResult.class);
    }

    /** {@code porin delete -f SOURCE}. */
    public ApplyResult delete(String source, String yaml) {
        return Json.MAPPER.readValue(agent.client().call("DELETE", "/v1/resources?source=" + source,
                yaml.getBytes(StandardCharsets.UTF_8)), ApplyResult.class);
    }

    /** Deletes every policy, whatever applied it. */
    public void deleteAllPolicies() {
        agent.client().call("DELETE", "/v1/policy?all=true", null);
    }

    /** {@code GET /v1/policy}, as JSON text. */
    public String policies() {
        return new String(agent.client().call("GET", "/v1/policy", null), StandardCharsets.UTF_8);
    }

    // ---- reachability

    public Reachability probe() {
        return Reachability.probe(pods(), Reachability.PORTS, PROBE_TIMEOUT);
    }

    public Reachability expect(Predicate<Cell> allowed) {
        return Reachability.expect(podNames(), Reachability.PORTS, allowed);
    }

    /**
     * Probes the whole matrix and fails with its truth tables unless it is the expected one. A mismatch is
     * probed again (at most {@value #ATTEMPTS} times in all) before it counts, so that one probe lost to a
     * loaded machine does not fail the test; {@link #retriedMatrices()} tells how often that was needed.
     *
     * @return the observed matrix
     */
    public Reachability assertReachability(String what, Predicate<Cell> allowed) {
        Reachability expected = expect(allowed);
        Reachability observed = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            observed = probe();
            if (expected.mismatches(observed).isEmpty()) {
                if (attempt > 1) {
                    retriedMatrices++;
                    System.out.println(what + ": the matrix matched on attempt " + attempt);
                }
                return observed;
            }
        }
        throw new AssertionError(what + ": reachability differs from the expectation after " + ATTEMPTS
                + " probes\n" + expected.table(observed));
    }

    /** How many matrices matched only after a repeated probe. */
    public int retriedMatrices() {
        return retriedMatrices;
    }

    /** Pings {@code to} from {@code from} once (1 s timeout). */
    public boolean ping(String from, String to) {
        return pod(from).ping(pod(to).ip());
    }

    /** Stops the servers, removes the pods and stops the agent, whatever fails on the way. */
    @Override
    public void close() {
        List<Throwable> failures = new ArrayList<>();
        if (servers != null) {
            run(servers::close, failures);
        }
        for (TestPod p : List.copyOf(pods.values()).reversed()) {
            run(p::close, failures);
        }
        pods.clear();
        if (agent != null) {
            run(agent::close, failures);
        }
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("cleaning up the policy world");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    private static void run(Runnable step, List<Throwable> failures) {
        try {
            step.run();
        } catch (RuntimeException | AssertionError e) {
            failures.add(e);
        }
    }
}
