// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e.harness;

import dev.porin.cli.client.AgentClient;
import dev.porin.cli.client.AgentException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code porin agent} process from the built distribution, on paths and names of its own: state and
 * CNI directories in a temporary directory, pins under {@code /sys/fs/bpf/porin-e2e-<suffix>}, host device
 * {@code pe<suffix>}. {@link #close()} stops it and runs {@code porin cleanup} with the same flags.
 */
public final class TestAgent implements AutoCloseable {

    private static final Path DIST = Path.of(System.getProperty("porin.dist", "../porin-dist/target/porin"));

    private final String suffix;
    private final String podCidr;
    private final List<String> extraFlags;
    private final Path work;
    private Process process;

    private TestAgent(String suffix, String podCidr, Path work, List<String> extraFlags) {
        this.suffix = suffix;
        this.podCidr = podCidr;
        this.extraFlags = extraFlags;
        this.work = work;
    }

    /** Starts an agent for {@code podCidr} and waits until its API answers. */
    public static TestAgent start(String podCidr) {
        return start(podCidr, new String[0]);
    }

    /** Starts an agent with more flags, e.g. {@code --monitor-aggregation none}. */
    public static TestAgent start(String podCidr, String... extraFlags) {
        Privileges.requireRoot();
        String suffix = HexFormat.of().formatHex(random(2));
        try {
            TestAgent agent = new TestAgent(suffix, podCidr, Files.createTempDirectory("porin-e2e-" + suffix + "-"),
                    List.of(extraFlags));
            try {
                agent.launch();
                return agent;
            } catch (RuntimeException e) {
                agent.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    public String suffix() {
        return suffix;
    }

    public Path socket() {
        return work.resolve("run/porin.sock");
    }

    public Path stateDir() {
        return work.resolve("state");
    }

    public Path bpfRoot() {
        return Path.of("/sys/fs/bpf/porin-e2e-" + suffix);
    }

    public Path cniBinDir() {
        return work.resolve("cni/bin");
    }

    public Path cniConfFile() {
        return work.resolve("cni/net.d/05-" + network() + ".conflist");
    }

    public String network() {
        return "e2e-" + suffix;
    }

    public String hostDevice() {
        return "pe" + suffix;
    }

    public String podCidr() {
        return podCidr;
    }

    public Path log() {
        return work.resolve("agent.log");
    }

    public AgentClient client() {
        return new AgentClient(socket());
    }

    public Cni cni() {
        return new Cni(this);
    }

    private List<String> flags() {
        return List.of("--state-dir", stateDir().toString(), "--socket", socket().toString(),
                "--bpf-root", bpfRoot().toString(), "--cni-bin-dir", cniBinDir().toString(),
                "--cni-conf-dir", work.resolve("cni/net.d").toString(), "--cni-network", network(),
                "--pod-cidr", podCidr, "--host-device", hostDevice(), "--ct-gc-interval", "5",
                // Any free port: tests must not depend on, or collide with, the defaults.
                "--hubble-listen-address", "127.0.0.1:0", "--prometheus-serve-addr", "127.0.0.1:0");
    }

    private List<String> java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xmx512m", "-cp", DIST.resolve("lib").toAbsolutePath() + "/*",
                "dev.porin.agent.AgentMain"));
        cmd.addAll(List.of(args));
        cmd.addAll(flags());
        cmd.addAll(extraFlags);
        return cmd;
    }

    /** Starts the agent process (again, after {@link #stop()}), appending to its log, and waits until ready. */
    public void launch() {
        try {
            process = new ProcessBuilder(java()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                client().call("GET", "/v1/healthz", null);
                return;
            } catch (AgentException e) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("agent exited with " + process.exitValue() + "; log:\n" + logText());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("agent not ready within 60 s; log:\n" + logText());
                }
                sleep(50);
            }
        }
    }

    /** SIGTERM, as systemd or the kubelet would stop it; waits for the exit. */
    public void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("agent did not stop within 30 s of SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The agent's process ID, for signals and /proc. */
    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public int exitCode() {
        return process.exitValue();
    }

    public String logText() {
        try {
            return Files.exists(log()) ? Files.readString(log()) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops the agent and removes everything it put on the node. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            try {
                Cmd.run(java("cleanup").toArray(String[]::new));
            } finally {
                deleteTree(work);
            }
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
