// SPDX-License-Identifier: Apache-2.0
package dev.porin.identity;

import dev.porin.labels.Label;
import dev.porin.labels.Labels;

import java.util.List;

/** The reserved identities and their labels; they exist on every node from the start. */
public final class ReservedIdentities {

    public static final List<Identity> ALL = List.of(
            new Identity(Identity.HOST, Labels.of(Label.reserved("host"))),
            new Identity(Identity.WORLD, Labels.of(Label.reserved("world"))),
            new Identity(Identity.UNMANAGED, Labels.of(Label.reserved("unmanaged"))),
            new Identity(Identity.HEALTH, Labels.of(Label.reserved("health"))),
            new Identity(Identity.INIT, Labels.of(Label.reserved("init"))),
            new Identity(Identity.REMOTE_NODE, Labels.of(Label.reserved("remote-node"))),
            new Identity(Identity.KUBE_APISERVER, Labels.of(Label.reserved("kube-apiserver"), Label.reserved("remote-node"))),
            new Identity(Identity.INGRESS, Labels.of(Label.reserved("ingress"))));

    private ReservedIdentities() {
    }

    public static Identity get(int id) {
        return ALL.stream().filter(i -> i.id() == id).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(id + " is not a reserved identity"));
    }
}
