// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The BPF filesystem, where maps and programs are pinned so they outlive the process that loaded them. */
public final class BpfFs {

    public static final Path DEFAULT_MOUNT = Path.of("/sys/fs/bpf");

    private BpfFs() {
    }

    /** Mounts bpffs at /sys/fs/bpf unless {@code pinRoot} already lies on a bpffs mount. */
    public static void ensureMounted(Path pinRoot) {
        if (isOnBpfFs(pinRoot)) {
            return;
        }
        if (!pinRoot.toAbsolutePath().startsWith(DEFAULT_MOUNT)) {
            throw new IllegalArgumentException(pinRoot + " is not on a bpf filesystem; pin under " + DEFAULT_MOUNT);
        }
        Libc.mount("bpf", DEFAULT_MOUNT.toString(), "bpf", 0);
    }

    private static boolean isOnBpfFs(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].equals("bpf") && abs.startsWith(f[1])) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
