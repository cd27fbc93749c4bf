// SPDX-License-Identifier: Apache-2.0
package dev.porin.k8s;

import dev.porin.policy.api.K8sSyntax;
import dev.porin.policy.api.Node;

import java.util.List;
import java.util.Map;

/**
 * The part of an object's {@code metadata} Porin uses: name, namespace and labels, validated as the API
 * server validates them. Annotations are checked for well-formed keys and otherwise ignored.
 *
 * @param namespace the object's namespace ({@code default} when not given), or null for a cluster-scoped kind
 */
record Metadata(String name, String namespace, Map<String, String> labels) {

    private static final List<String> FIELDS = List.of("name", "generateName", "namespace", "selfLink", "uid",
            "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
            "labels", "annotations", "ownerReferences", "finalizers", "managedFields", "description");

    /**
     * Reads {@code metadata}. Objects of a cluster-scoped kind ({@code namespaced} false) have no namespace:
     * a {@code metadata.namespace} there is ignored, as Kubernetes ignores it. A stray {@code description}
     * (found in an upstream Cilium example) is tolerated. {@code nameIsLabel} asks for a DNS label name, as
     * Namespaces need, rather than a DNS subdomain.
     */
    static Metadata parse(Node metadata, boolean namespaced, boolean nameIsLabel) {
        metadata.required().object(FIELDS);
        Node nameNode = metadata.get("name");
        String name = nameNode.string();
        if (nameIsLabel ? !K8sSyntax.isDnsLabel(name) : !K8sSyntax.isDnsSubdomain(name)) {
            throw nameNode.error("\"" + name + "\" " + (nameIsLabel ? K8sSyntax.DNS_LABEL_RULE
                    : K8sSyntax.DNS_SUBDOMAIN_RULE));
        }
        String namespace = null;
        if (namespaced) {
            Node nsNode = metadata.get("namespace");
            namespace = nsNode.string("default");
            if (!K8sSyntax.isDnsLabel(namespace)) {
                throw nsNode.error("\"" + namespace + "\" " + K8sSyntax.DNS_LABEL_RULE);
            }
        }
        Map<String, String> labels = labels(metadata.get("labels"));
        metadata.get("annotations").entries().forEach((key, value) -> {
            value.string();
            requireKey(value, key);
        });
        metadata.get("description").string(null);
        return new Metadata(name, namespace, labels);
    }

    private static Map<String, String> labels(Node labels) {
        labels.entries().forEach((key, value) -> {
            requireKey(value, key);
            if (!K8sSyntax.isLabelValue(value.string())) {
                throw value.error("\"" + value.string() + "\" " + K8sSyntax.LABEL_VALUE_RULE);
            }
        });
        return labels.stringMap();
    }

    private static void requireKey(Node where, String key) {
        if (!K8sSyntax.isLabelKey(key)) {
            throw where.error("\"" + key + "\" " + K8sSyntax.LABEL_KEY_RULE);
        }
    }
}
