// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.demo;

import dev.porin.api.Json;
import dev.porin.cli.client.AgentClient;
import dev.porin.cli.client.AgentException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Porin end to end on this machine. Everything lives on demo-only paths and names (its own state
 * directory, socket, pin directory, CNI directories, pod CIDR and host device), so a real installation is
 * never touched, and everything is removed on exit, on failure and on Ctrl-C.
 */
public final class Demo {

    static final String NETWORK = "porin-demo";
    static final String POD_CIDR = "10.201.0.0/24";
    static final String HOST_DEVICE = "porin_demo";
    static final Path STATE_DIR = Path.of("/var/lib/porin-demo");
    static final Path SOCKET = Path.of("/var/run/porin-demo/porin.sock");
    static final Path BPF_ROOT = Path.of("/sys/fs/bpf/porin-demo");
    private static final List<String> PODS = List.of("frontend", "backend", "db");
    /** The seed's example policy, unchanged: only frontend may talk to db. */
    static final String POLICY = """
            apiVersion: "cilium.io/v2"
            kind: CiliumNetworkPolicy
            metadata: {name: "allow-app-to-db"}
            spec:
              endpointSelector: {matchLabels: {app: db}}
              ingress:
                - fromEndpoints:
                    - matchLabels: {app: frontend}
            """;

    /** A pod: a network namespace plumbed by the CNI plugin. */
    record Pod(String name, String netns, String containerId, String ip) {
    }

    private final Path launcher;
    private final PrintStream out;
    private final Path work;
    private final Map<String, Pod> pods = new LinkedHashMap<>();
    private final AtomicBoolean cleaned = new AtomicBoolean();
    private Process agent;
    private Process webServer;

    public Demo(Path launcher, PrintStream out) throws IOException {
        this.launcher = launcher;
        this.out = out;
        this.work = Files.createTempDirectory("porin-demo-");
    }

    public int run() {
        Thread hook = Thread.ofPlatform().unstarted(this::cleanup);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            requireRoot();
            removeLeftovers();
            startAgent();
            for (String name : PODS) {
                createPod(name);
            }
            startWebServer(pods.get("db"));
            showPing(pods.get("frontend"), pods.get("backend"));
            showHttp(pods.get("frontend"), pods.get("db"));
            showHostToPod(pods.get("backend"));
            step("porin endpoint list");
            porin("endpoint", "list");
            applyPolicy();
            showHttp(pods.get("frontend"), pods.get("db"));
            showRefused(pods.get("backend"), pods.get("db"));
            step("Why? porin policy trace --src default/backend --dst default/db --dport 8080/TCP");
            porin("policy", "trace", "--src", "default/backend", "--dst", "default/db", "--dport", "8080/TCP");
            step("What happened, as flows: porin observe --to-pod default/db --last 20");
            porin("observe", "--to-pod", "default/db", "--last", "20");
            step("Only the refused ones: porin observe --verdict DROPPED");
            porin("observe", "--verdict", "DROPPED");
            step("Done. Cleaning up: pods, agent, datapath, CNI files and state.");
            return 0;
        } catch (RuntimeException e) {
            out.println();
            out.println("Demo failed: " + e.getMessage());
            Path log = work.resolve("agent.log");
            if (Files.exists(log)) {
                out.println("Agent log (" + log + "), last lines:");
                tail(log, 20).forEach(l -> out.println("  " + l));
            }
            return 1;
        } finally {
            cleanup();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
    }

    private void startAgent() {
        step("Starting the Porin agent (pod CIDR " + POD_CIDR + ", state in " + STATE_DIR + ")");
        try {
            Files.createDirectories(work.resolve("cni/bin"));
            Files.createDirectories(work.resolve("cni/net.d"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // setsid: a Ctrl-C in the terminal reaches the demo, which then stops the agent in order.
        ProcessBuilder pb = new ProcessBuilder("setsid", launcher.toString(), "agent",
                "--state-dir", STATE_DIR.toString(), "--socket", SOCKET.toString(), "--bpf-root", BPF_ROOT.toString(),
                "--cni-bin-dir", work.resolve("cni/bin").toString(), "--cni-conf-dir", work.resolve("cni/net.d").toString(),
                "--cni-network", NETWORK, "--pod-cidr", POD_CIDR, "--host-device", HOST_DEVICE);
        pb.redirectErrorStream(true).redirectOutput(work.resolve("agent.log").toFile());
        try {
            agent = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the agent", e);
        }
        AgentClient client = new AgentClient(SOCKET);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                client.call("GET", "/v1/healthz", null);
                break;
            } catch (AgentException e) {
                if (!agent.isAlive()) {
                    throw new IllegalStateException("the agent exited with status " + agent.exitValue());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the agent did not become ready within 60 s");
                }
                sleep(100);
            }
        }
        out.println("   agent ready, pid " + agent.pid() + ", API on " + SOCKET + ", log in " + work.resolve("agent.log"));
    }

    private void createPod(String name) {
        String netns = "porin-demo-" + name;
        step("Creating pod " + name + ": network namespace " + netns + ", then CNI ADD as a runtime calls it");
        Shell.check(List.of("ip", "netns", "add", netns));
        String containerId = HexFormat.of().formatHex(randomBytes());
        pods.put(name, new Pod(name, netns, containerId, null));
        Map<String, String> env = cniEnv("ADD", containerId, netns, name);
        Shell.Result r = Shell.run(List.of(cniPlugin().toString()), env, pluginConfig(name));
        JsonNode result = Json.MAPPER.readTree(r.stdout());
        if (!r.ok()) {
            throw new IllegalStateException("CNI ADD for " + name + " failed: " + result.path("msg").asString()
                    + " " + result.path("details").asString());
        }
        String address = result.path("ips").get(0).path("address").asString();
        String ip = address.substring(0, address.indexOf('/'));
        pods.put(name, new Pod(name, netns, containerId, ip));
        out.println("   " + name + ": " + address + " via " + result.path("ips").get(0).path("gateway").asString()
                + ", host side " + result.path("interfaces").get(0).path("name").asString());
    }

    private void startWebServer(Pod db) {
        step("Starting an HTTP server in " + db.name() + " (" + db.ip() + ":8080)");
        try {
            Path site = Files.createDirectories(work.resolve("site"));
            Files.writeString(site.resolve("index.html"), "Hello from the " + db.name() + " pod, through Porin's datapath\n");
            Path jwebserver = Path.of(System.getProperty("java.home"), "bin", "jwebserver");
            webServer = new ProcessBuilder("ip", "netns", "exec", db.netns(), jwebserver.toString(), "-b", "0.0.0.0",
                    "-p", "8080", "-d", site.toString())
                    .redirectErrorStream(true).redirectOutput(work.resolve("http.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the HTTP server", e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Shell.run(curl(pods.get("frontend"), db, "-o", "/dev/null")).ok()) {
            if (System.nanoTime() > deadline || !webServer.isAlive()) {
                throw new IllegalStateException("the HTTP server in " + db.name() + " did not come up");
            }
            sleep(200);
        }
    }

    private void showPing(Pod from, Pod to) {
        step("Pod to pod: ping from " + from.name() + " to " + to.name() + " (" + to.ip() + ")");
        Shell.Result r = Shell.run(List.of("ip", "netns", "exec", from.netns(), "ping", "-c", "3", "-i", "0.2", "-W", "2", to.ip()));
        indent(r.stdout());
        if (!r.ok()) {
            throw new IllegalStateException("ping from " + from.name() + " to " + to.name() + " failed");
        }
    }

    private void showHttp(Pod from, Pod to) {
        step("Pod to pod: HTTP from " + from.name() + " to " + to.name() + " (curl http://" + to.ip() + ":8080/)");
        Shell.Result r = Shell.run(curl(from, to));
        indent(r.stdout());
        if (!r.ok()) {
            throw new IllegalStateException("HTTP from " + from.name() + " to " + to.name() + " failed: " + r.stderr().strip());
        }
    }

    private void applyPolicy() {
        step("Policy: only frontend may talk to db (porin apply -f allow-app-to-db.yaml)");
        POLICY.lines().forEach(l -> out.println("   | " + l));
        Path file = work.resolve("allow-app-to-db.yaml");
        try {
            Files.writeString(file, POLICY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        porin("apply", "-f", file.toString());
        porin("endpoint", "list");
    }

    private void showRefused(Pod from, Pod to) {
        step("Pod to pod: HTTP from " + from.name() + " to " + to.name() + ": the policy does not allow it");
        Shell.Result r = Shell.run(curl(from, to));
        if (r.ok()) {
            throw new IllegalStateException("HTTP from " + from.name() + " to " + to.name() + " went through the policy");
        }
        out.println("   refused: " + r.stderr().strip());
    }

    private void showHostToPod(Pod to) {
        step("Host to pod: ping " + to.name() + " (" + to.ip() + ") from the host");
        Shell.Result r = Shell.run(List.of("ping", "-c", "2", "-i", "0.2", "-W", "2", to.ip()));
        indent(r.stdout());
        if (!r.ok()) {
            throw new IllegalStateException("ping from the host to " + to.name() + " failed");
        }
    }

    private static List<String> curl(Pod from, Pod to, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", from.netns(), "curl", "-sS", "--max-time", "3"));
        cmd.addAll(List.of(extra));
        cmd.add("http://" + to.ip() + ":8080/");
        return cmd;
    }

    /** The plugin's config as a runtime passes it: the conflist's entry with name and version filled in, plus labels. */
    private byte[] pluginConfig(String app) {
        try {
            ObjectNode list = (ObjectNode) Json.MAPPER.readTree(work.resolve("cni/net.d/05-" + NETWORK + ".conflist").toFile());
            ObjectNode conf = (ObjectNode) list.get("plugins").get(0).deepCopy();
            conf.put("cniVersion", "1.1.0");
            conf.put("name", list.get("name").asString());
            ArrayNode labels = conf.putObject("args").putObject("cni").putArray("labels");
            labels.addObject().put("key", "app").put("value", app);
            return Json.MAPPER.writeValueAsBytes(conf);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot read the CNI config the agent installed: " + e.getMessage(), e);
        }
    }

    private Map<String, String> cniEnv(String command, String containerId, String netns, String podName) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", containerId);
        env.put("CNI_NETNS", "/var/run/netns/" + netns);
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_PATH", work.resolve("cni/bin").toString());
        env.put("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=" + podName);
        return env;
    }

    private Path cniPlugin() {
        return work.resolve("cni/bin/porin-cni");
    }

    /** Idempotent; runs once, from the normal path or from the Ctrl-C hook, whichever comes first. */
    private synchronized void cleanup() {
        if (!cleaned.compareAndSet(false, true)) {
            return;
        }
        if (webServer != null) {
            webServer.destroy();
        }
        for (Pod pod : pods.values()) {
            if (agent != null && agent.isAlive()) {
                Shell.run(List.of(cniPlugin().toString()), cniEnv("DEL", pod.containerId(), pod.netns(), pod.name()),
                        pluginConfig(pod.name()));
            }
            Shell.run(List.of("ip", "netns", "del", pod.netns()));
        }
        if (agent != null) {
            agent.destroy();
            try {
                if (!agent.waitFor(15, TimeUnit.SECONDS)) {
                    agent.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Shell.Result r = Shell.run(List.of(launcher.toString(), "cleanup", "--state-dir", STATE_DIR.toString(),
                "--socket", SOCKET.toString(), "--bpf-root", BPF_ROOT.toString(), "--cni-bin-dir",
                work.resolve("cni/bin").toString(), "--cni-conf-dir", work.resolve("cni/net.d").toString(),
                "--cni-network", NETWORK, "--pod-cidr", POD_CIDR, "--host-device", HOST_DEVICE));
        if (!r.ok()) {
            out.println("cleanup reported: " + (r.stdout() + r.stderr()).strip());
        }
        deleteTree(work);
    }

    /** A previous demo killed with SIGKILL leaves its namespaces; they would collide. */
    private void removeLeftovers() {
        for (String name : PODS) {
            Shell.run(List.of("ip", "netns", "del", "porin-demo-" + name));
        }
    }

    private void porin(String... args) {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--socket", SOCKET.toString()));
        Shell.Result r = Shell.run(cmd);
        out.print(r.stdout());
        if (!r.ok()) {
            throw new IllegalStateException("porin " + String.join(" ", args) + " failed: " + r.stderr().strip());
        }
    }

    private void step(String text) {
        out.println();
        out.println("==> " + text);
    }

    private void indent(String text) {
        text.lines().forEach(l -> out.println("   " + l));
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[16];
        new java.security.SecureRandom().nextBytes(b);
        return b;
    }

    private static void requireRoot() {
        try {
            if (!Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0)) {
                throw new IllegalStateException("the demo creates network namespaces and loads eBPF programs: run it as root");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> tail(Path file, int n) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.subList(Math.max(0, lines.size() - n), lines.size());
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: a temp directory
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
