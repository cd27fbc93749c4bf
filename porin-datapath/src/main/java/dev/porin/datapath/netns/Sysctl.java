// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The per-network-namespace kernel settings under {@code /proc/sys/net}, named by their path below
 * {@code /proc/sys}: {@code net/ipv6/conf/eth0/disable_ipv6}. Slashes, not sysctl(8)'s dots, because an
 * interface name may contain a dot ({@code eth0.100}).
 *
 * <p>procfs resolves these files in the network namespace of the thread that opens them, so inside
 * {@link NetNs#call} they are the namespace's own settings.
 */
public final class Sysctl {

    private static final Path ROOT = Path.of("/proc/sys");

    private Sysctl() {
    }

    public static void write(String key, String value) {
        try {
            Files.write(path(key), value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("sysctl " + key + "=" + value + ": " + e.getMessage(), e);
        }
    }

    /** The current value, without the trailing newline. */
    public static String read(String key) {
        try {
            return Files.readString(path(key), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("sysctl " + key + ": " + e.getMessage(), e);
        }
    }

    private static Path path(String key) {
        Path relative = Path.of(key);
        if (!key.startsWith("net/") || !relative.normalize().equals(relative)) {
            throw new IllegalArgumentException("not a network sysctl key like net/ipv4/ip_forward: " + key);
        }
        return ROOT.resolve(relative);
    }
}
