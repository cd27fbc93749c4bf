// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the demo's external commands (ip, ping, curl, the CNI plugin) and captures what they print. */
final class Shell {

    record Result(int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private Shell() {
    }

    static Result run(List<String> command) {
        return run(command, null, null);
    }

    /** With {@code env} non-null the child gets exactly that environment plus PATH. */
    static Result run(List<String> command, Map<String, String> env, byte[] stdin) {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (env != null) {
            String path = System.getenv("PATH");
            pb.environment().clear();
            pb.environment().put("PATH", path == null ? "/usr/sbin:/usr/bin:/sbin:/bin" : path);
            pb.environment().putAll(env);
        }
        try {
            Process p = pb.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin);
            }
            p.getOutputStream().close();
            var err = p.getErrorStream();
            byte[] out = p.getInputStream().readAllBytes();
            byte[] errBytes = err.readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(errBytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }

    static String check(List<String> command) {
        Result r = run(command);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + r.stderr().strip());
        }
        return r.stdout();
    }
}
