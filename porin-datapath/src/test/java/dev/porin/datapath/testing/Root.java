// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Privileged tests call {@link #require()} first. Without root they fail, loudly: CI runs as root, and a
 * privileged test that quietly skips proves nothing.
 */
public final class Root {

    private Root() {
    }

    public static void require() {
        if (!isRoot()) {
            throw new AssertionError("this test loads eBPF programs and changes network namespaces: run it as root "
                    + "(./test does; plain './mvnw test' runs only the unit tests)");
        }
    }

    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
