// SPDX-License-Identifier: Apache-2.0
package dev.porin.identity;

import dev.porin.labels.Labels;

/** A numeric security identity and the labels it stands for. */
public record Identity(int id, Labels labels) {

    /** Reserved identities 1..8, as Cilium numbers them. */
    public static final int HOST = 1;
    public static final int WORLD = 2;
    public static final int UNMANAGED = 3;
    public static final int HEALTH = 4;
    public static final int INIT = 5;
    public static final int REMOTE_NODE = 6;
    public static final int KUBE_APISERVER = 7;
    public static final int INGRESS = 8;

    /** Cluster identities are allocated from here up to {@link #MAX_CLUSTER}. */
    public static final int MIN_CLUSTER = 256;
    public static final int MAX_CLUSTER = 65535;
    /** Local-scope identities (CIDR) carry this bit: {@code 0x01000000}. */
    public static final int LOCAL_SCOPE = 1 << 24;

    public boolean isReserved() {
        return id > 0 && id < MIN_CLUSTER;
    }

    public boolean isCidr() {
        return (id & LOCAL_SCOPE) != 0;
    }

    /** How cilium prints an identity in place of its number where it has a name: {@code host}, {@code world}... */
    public static String name(int id) {
        return switch (id) {
            case 0 -> "unknown";
            case HOST -> "host";
            case WORLD -> "world";
            case UNMANAGED -> "unmanaged";
            case HEALTH -> "health";
            case INIT -> "init";
            case REMOTE_NODE -> "remote-node";
            case KUBE_APISERVER -> "kube-apiserver";
            case INGRESS -> "ingress";
            default -> Integer.toString(id);
        };
    }
}
