// SPDX-License-Identifier: Apache-2.0
package dev.porin.k8s;

import dev.porin.k8s.Resource.NamespaceResource;
import dev.porin.k8s.Resource.PodResource;
import dev.porin.k8s.Resource.PodResource.NamedPort;
import dev.porin.policy.api.K8sSyntax;
import dev.porin.policy.api.Node;
import dev.porin.policy.api.Protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Namespaces and Pods ({@code v1}). Only what policy uses is read and checked: labels, the pod's service
 * account and its containers' named ports. Every other field is legal Kubernetes and is ignored.
 */
final class CoreResources {

    /** The label the API server puts on every namespace, holding its name. */
    static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

    private static final List<String> OBJECT_FIELDS = List.of("apiVersion", "kind", "metadata", "spec", "status");

    private CoreResources() {
    }

    static NamespaceResource namespace(Node document, Metadata metadata) {
        document.object(OBJECT_FIELDS);
        Map<String, String> labels = new LinkedHashMap<>(metadata.labels());
        labels.put(NAMESPACE_NAME_LABEL, metadata.name());
        return new NamespaceResource(metadata.name(), labels);
    }

    static PodResource pod(Node document, Metadata metadata) {
        document.object(OBJECT_FIELDS);
        Node spec = document.get("spec");
        Node accountNode = spec.get("serviceAccountName");
        if (accountNode.isAbsent()) {
            accountNode = spec.get("serviceAccount");
        }
        String account = accountNode.string("default");
        if (!K8sSyntax.isDnsSubdomain(account)) {
            throw accountNode.error("\"" + account + "\" " + K8sSyntax.DNS_SUBDOMAIN_RULE);
        }
        List<NamedPort> ports = new ArrayList<>();
        for (Node container : spec.get("containers").list()) {
            for (Node port : container.get("ports").list()) {
                NamedPort named = port(port);
                if (named != null) {
                    ports.add(named);
                }
            }
        }
        return new PodResource(metadata.namespace(), metadata.name(), metadata.labels(), account, ports);
    }

    /** A container port, or null if it has no name. */
    private static NamedPort port(Node node) {
        Node numberNode = node.get("containerPort");
        int number = numberNode.integer();
        if (number < 1 || number > 65535) {
            throw numberNode.error("must be between 1 and 65535, not " + number);
        }
        Node protocolNode = node.get("protocol");
        String protocol = protocolNode.string("TCP");
        if (!List.of("TCP", "UDP", "SCTP").contains(protocol)) {
            throw protocolNode.error("unsupported protocol \"" + protocol + "\"; expected TCP, UDP or SCTP");
        }
        Node nameNode = node.get("name");
        String name = nameNode.string(null);
        if (name == null) {
            return null;
        }
        if (!K8sSyntax.isPortName(name)) {
            throw nameNode.error("\"" + name + "\" " + K8sSyntax.PORT_NAME_RULE);
        }
        return new NamedPort(name, number, Protocol.valueOf(protocol));
    }
}
