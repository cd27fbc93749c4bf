// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The {@code porin} command from the built distribution, run as a process against a test agent (found through
 * {@code $PORIN_SOCKET}): to completion with {@link #run}, or in the background with {@link #start} for commands
 * that stream until stopped, then {@link #interrupt()} as Ctrl-C does; {@link #close()} kills what is still running.
 */
public final class CliProcess implements AutoCloseable {

    private static final Path DIST = Path.of(System.getProperty("porin.dist", "../porin-dist/target/porin"));

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> stderr = new CompletableFuture<>();

    private CliProcess(Process process) {
        this.process = process;
        Thread.ofVirtual().start(() -> {
            try (BufferedReader out = process.inputReader(StandardCharsets.UTF_8)) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process has gone; what it printed is kept
            }
        });
        // Its own thread: the common pool is too small to block in it for as long as the process runs.
        Thread.ofVirtual().start(() -> {
            try (var err = process.getErrorStream()) {
                stderr.complete(new String(err.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                stderr.complete("");
            }
        });
    }

    /**
     * The command line for {@code porin <args>}. SIGINT is reset to its default first: a test run started as a
     * script's background job inherits it ignored, and the JVM never handles a signal it was started ignoring.
     */
    private static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", DIST.resolve("lib").toAbsolutePath() + "/*", "dev.porin.cli.PorinCli"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs {@code porin <args>} to its end. */
    public static Cmd.Result run(TestAgent agent, String... args) {
        return Cmd.run(command(args), Map.of("PORIN_SOCKET", agent.socket().toString()), null);
    }

    /** Starts {@code porin <args>} and returns while it runs. */
    public static CliProcess start(TestAgent agent, String... args) {
        ProcessBuilder pb = new ProcessBuilder(command(args));
        pb.environment().put("PORIN_SOCKET", agent.socket().toString());
        try {
            return new CliProcess(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first line printed so far or within {@code timeout} that matches, or null. */
    public String awaitLine(Predicate<String> matching, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            for (String line : lines) {
                if (matching.test(line)) {
                    return line;
                }
            }
            TestAgent.sleep(50);
        } while (System.nanoTime() < deadline && process.isAlive());
        return lines.stream().filter(matching).findFirst().orElse(null);
    }

    /** Everything printed so far, for failure messages. */
    public String output() {
        return String.join("\n", lines) + (process.isAlive() ? "" : "\n[exited " + process.exitValue() + "] "
                + stderr.getNow(""));
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the process with SIGINT, as Ctrl-C does, and returns its exit code. */
    public int interrupt() {
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("porin did not end within 10 s of SIGINT");
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What the process printed on stderr, once it has ended. */
    public String stderr() {
        return stderr.join();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
