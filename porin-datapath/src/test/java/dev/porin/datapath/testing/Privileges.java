// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The integration tests create namespaces and links, so they need root; without it they fail, loudly. */
public final class Privileges {

    private Privileges() {
    }

    public static void requireRoot() throws IOException {
        // /proc/self belongs to the process's effective uid.
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        assertThat(uid)
                .as("the privileged integration tests (*IT) create network namespaces and links and must run as "
                        + "root; this JVM runs as uid %d. Run the build as root, e.g. sudo ./mvnw -pl porin-datapath "
                        + "-am verify", uid)
                .isZero();
    }
}
