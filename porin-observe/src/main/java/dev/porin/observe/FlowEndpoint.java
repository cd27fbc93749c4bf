// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import dev.porin.labels.Labels;

import java.util.List;

/**
 * One side of a flow. For a pod on this node: its endpoint ID, namespace and pod name; otherwise only the
 * identity and its labels ({@code reserved:world}, {@code cidr:...}). Instances are shared between flows,
 * so {@code labelStrings} is computed once.
 */
public record FlowEndpoint(int id, int identity, String namespace, String podName, Labels labels,
                           List<String> labelStrings) {

    public static final FlowEndpoint UNKNOWN = of(0, 0, "", "", Labels.EMPTY);

    public static FlowEndpoint of(int id, int identity, String namespace, String podName, Labels labels) {
        return new FlowEndpoint(id, identity, namespace == null ? "" : namespace, podName == null ? "" : podName,
                labels, labels.strings());
    }

    public static FlowEndpoint ofIdentity(int identity, Labels labels) {
        return of(0, identity, "", "", labels);
    }

    /** The same endpoint seen with another identity (the datapath's word wins over ours). */
    public FlowEndpoint withIdentity(int newIdentity, Labels newLabels) {
        return newIdentity == identity ? this : of(id, newIdentity, namespace, podName, newLabels);
    }

    public boolean isPod() {
        return !podName.isEmpty();
    }
}
