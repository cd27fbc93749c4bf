// SPDX-License-Identifier: Apache-2.0
package dev.porin.identity;

import dev.porin.labels.Label;
import dev.porin.labels.Labels;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which labels make up a pod's identity. Pod labels count, except those Kubernetes and its tooling add
 * for bookkeeping (Cilium's default label filter); to them come the pseudo-labels for the namespace, every
 * namespace label, the service account and the cluster. Two pods with equal security labels share an
 * identity; the pod name never counts.
 */
public final class SecurityLabels {

    public static final String NAMESPACE = "io.kubernetes.pod.namespace";
    public static final String SERVICE_ACCOUNT = "io.cilium.k8s.policy.serviceaccount";
    public static final String CLUSTER = "io.cilium.k8s.policy.cluster";
    public static final String NAMESPACE_LABEL_PREFIX = "io.cilium.k8s.namespace.labels.";
    public static final String DEFAULT_CLUSTER = "default";

    /** Kept even though an ignore rule would catch them: the longer include wins. */
    private static final List<String> INCLUDE = List.of(NAMESPACE, NAMESPACE_LABEL_PREFIX, "app.kubernetes.io",
            CLUSTER, SERVICE_ACCOUNT);
    /** Ignored when the key starts with one of these... */
    private static final List<String> IGNORE = List.of("io.kubernetes", "kubernetes.io",
            "statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index",
            "batch.kubernetes.io/job-completion-index", "batch.kubernetes.io/controller-uid",
            "k8s.io", "pod-template-generation", "pod-template-hash", "controller-revision-hash", "controller-uid",
            "annotation.", "etcd_node", "topology.kubernetes.io");
    /** ...or contains this (zone and region labels of old: {@code failure-domain.beta.kubernetes.io/zone}). */
    private static final String IGNORE_ANYWHERE = "beta.kubernetes.io";

    private SecurityLabels() {
    }

    /** True if {@code key} takes part in identities. */
    public static boolean isSecurityRelevant(String key) {
        int include = INCLUDE.stream().filter(key::startsWith).mapToInt(String::length).max().orElse(-1);
        int ignore = IGNORE.stream().filter(key::startsWith).mapToInt(String::length).min()
                .orElse(key.contains(IGNORE_ANYWHERE) ? IGNORE_ANYWHERE.length() : -1);
        return ignore < 0 || include > ignore;
    }

    /** The identity labels of a pod. {@code namespaceLabels} are its namespace's own labels. */
    public static Labels forPod(String namespace, Map<String, String> podLabels, Map<String, String> namespaceLabels,
                                String serviceAccount) {
        List<Label> out = new ArrayList<>();
        podLabels.forEach((k, v) -> {
            if (isSecurityRelevant(k)) {
                out.add(Label.k8s(k, v));
            }
        });
        out.add(Label.k8s(NAMESPACE, namespace));
        namespaceLabels.forEach((k, v) -> out.add(Label.k8s(NAMESPACE_LABEL_PREFIX + k, v)));
        if (serviceAccount != null && !serviceAccount.isEmpty()) {
            out.add(Label.k8s(SERVICE_ACCOUNT, serviceAccount));
        }
        out.add(Label.k8s(CLUSTER, DEFAULT_CLUSTER));
        return Labels.of(out);
    }
}
