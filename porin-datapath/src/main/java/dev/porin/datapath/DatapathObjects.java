// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The compiled BPF objects the build packs into this jar. */
public final class DatapathObjects {

    /** Programs for the host side of pod veths. */
    public static final String LXC = "bpf_lxc";

    private DatapathObjects() {
    }

    /** The ELF bytes of {@code name}.o. */
    public static byte[] elf(String name) {
        String resource = "/bpf/" + name + ".o";
        try (InputStream in = DatapathObjects.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path: the build compiles it with clang");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
