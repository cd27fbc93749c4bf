// SPDX-License-Identifier: Apache-2.0
package dev.porin.k8s;

import dev.porin.policy.api.PolicyOrigin;
import dev.porin.policy.api.Protocol;
import dev.porin.policy.api.Rule;
import tools.jackson.databind.JsonNode;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An object Porin acts on, as parsed and validated by {@link ResourceParser}. */
public sealed interface Resource {

    ResourceKey key();

    /**
     * A Namespace. Its labels include {@code kubernetes.io/metadata.name}, which the API server sets on
     * every namespace; policies select namespaces by their labels.
     */
    record NamespaceResource(String name, Map<String, String> labels) implements Resource {
        public NamespaceResource {
            labels = sorted(labels);
        }

        @Override
        public ResourceKey key() {
            return new ResourceKey("Namespace", null, name);
        }
    }

    /**
     * A Pod: what policy needs to know of it. {@code serviceAccount} is {@code default} unless the pod names
     * one; {@code ports} are the named ports its containers declare, which named ports in policies resolve to.
     */
    record PodResource(String namespace, String name, Map<String, String> labels, String serviceAccount,
                       List<NamedPort> ports) implements Resource {
        public PodResource {
            labels = sorted(labels);
            ports = List.copyOf(ports);
        }

        @Override
        public ResourceKey key() {
            return new ResourceKey("Pod", namespace, name);
        }

        /** A container port with a name ({@code spec.containers[].ports[]}). */
        public record NamedPort(String name, int port, Protocol protocol) {
        }
    }

    /** A policy object: its rules, and the object as written, to show it back to users. */
    record PolicyResource(PolicyOrigin origin, List<Rule> rules, JsonNode document) implements Resource {
        public PolicyResource {
            rules = List.copyOf(rules);
        }

        @Override
        public ResourceKey key() {
            return new ResourceKey(origin.kind().kind(), origin.namespace(), origin.name());
        }
    }

    private static Map<String, String> sorted(Map<String, String> labels) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }
}
