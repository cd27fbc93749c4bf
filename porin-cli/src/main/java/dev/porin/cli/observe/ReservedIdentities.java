// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.observe;

import java.util.List;

/** Cilium's reserved identities by number and name, as flows print them and filters take them. */
public final class ReservedIdentities {

    /** Indexed by identity; 0 is {@code unknown}. */
    private static final List<String> NAMES = List.of("unknown", "host", "world", "unmanaged", "health", "init",
            "remote-node", "kube-apiserver", "ingress", "world-ipv4", "world-ipv6");

    private ReservedIdentities() {
    }

    /** The name of a reserved identity, or null for any other. */
    public static String name(long identity) {
        return identity >= 0 && identity < NAMES.size() ? NAMES.get((int) identity) : null;
    }

    /** The identity a name stands for ({@code world} is 2), or -1; {@code unknown} is no identity to filter on. */
    public static int of(String name) {
        int i = NAMES.indexOf(name);
        return i > 0 ? i : -1;
    }

    /** The names a filter takes, for error messages. */
    public static String names() {
        return String.join(", ", NAMES.subList(1, NAMES.size()));
    }
}
