// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs iproute2 (and {@code ip netns exec}) to check, independently, what the code under test did. */
public final class Ip {

    private Ip() {
    }

    /** Runs {@code ip args...} and returns its output; fails the test if it exits non-zero. */
    public static String ip(String... args) {
        Result r = run(args);
        if (r.exitCode() != 0) {
            throw new AssertionError("ip " + String.join(" ", args) + " exited " + r.exitCode() + ": " + r.output());
        }
        return r.output();
    }

    /** Runs {@code ip args...} whatever its outcome. */
    public static Result run(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " did not finish within 30 s");
            }
            return new Result(p.exitValue(), output);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + " (is iproute2 installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        }
    }

    public record Result(int exitCode, String output) {
    }
}
