// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** End-to-end tests run the agent and create namespaces: as root, or they fail (CI runs them as root). */
public final class Privileges {

    private Privileges() {
    }

    public static void requireRoot() {
        try {
            if (!Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0)) {
                throw new AssertionError("end-to-end tests start the agent and create network namespaces: run them as "
                        + "root (./test does)");
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
