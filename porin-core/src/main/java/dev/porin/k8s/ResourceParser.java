// SPDX-License-Identifier: Apache-2.0
package dev.porin.k8s;

import dev.porin.k8s.Resource.PolicyResource;
import dev.porin.policy.api.CiliumPolicyParser;
import dev.porin.policy.api.NetworkPolicyParser;
import dev.porin.policy.api.Node;
import dev.porin.policy.api.PolicyKind;
import dev.porin.policy.api.PolicyOrigin;
import dev.porin.policy.api.PolicyValidationException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLAnchorReplayingFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the YAML users apply with {@code kubectl}: one or more documents separated by {@code ---}, each a
 * Namespace, Pod, NetworkPolicy, CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy, or a {@code List}
 * of them ({@code items}). Empty documents are skipped.
 *
 * <p>A file is accepted whole or not at all: the first invalid document throws a
 * {@link PolicyValidationException} naming the document ({@code CiliumNetworkPolicy default/allow-db
 * (document 2 of policies.yaml)}), the field ({@code spec.ingress[0].toPorts[0].ports[1].port}) and the
 * reason. Kinds and apiVersions Porin does not handle are errors that name them.
 *
 * <p>{@code metadata.name} is required; {@code metadata.namespace} defaults to {@code default} for
 * namespaced kinds and is ignored for cluster-scoped ones (Namespace, CiliumClusterwideNetworkPolicy), as
 * Kubernetes ignores it there. Duplicate keys are errors; anchors and aliases are resolved.
 */
public final class ResourceParser {

    private static final YAMLMapper MAPPER = YAMLMapper.builder(new YAMLAnchorReplayingFactory())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** The kinds Porin reads, their apiVersion and whether they are namespaced. */
    private enum Kind {
        NAMESPACE("Namespace", "v1", false),
        POD("Pod", "v1", true),
        NETWORK_POLICY("NetworkPolicy", "networking.k8s.io/v1", true),
        CILIUM_NETWORK_POLICY("CiliumNetworkPolicy", "cilium.io/v2", true),
        CILIUM_CLUSTERWIDE_NETWORK_POLICY("CiliumClusterwideNetworkPolicy", "cilium.io/v2", false);

        final String name;
        final String apiVersion;
        final boolean namespaced;

        Kind(String name, String apiVersion, boolean namespaced) {
            this.name = name;
            this.apiVersion = apiVersion;
            this.namespaced = namespaced;
        }

        static Kind of(String name) {
            for (Kind k : values()) {
                if (k.name.equals(name)) {
                    return k;
                }
            }
            return null;
        }
    }

    private ResourceParser() {
    }

    /**
     * Every object of a file, in order.
     *
     * @param sourceName the file's name, used in error messages
     * @throws PolicyValidationException for the first invalid document
     */
    public static List<Resource> parse(String yamlText, String sourceName) {
        List<Resource> out = new ArrayList<>();
        int count = 0;
        try (JsonParser parser = MAPPER.createParser(yamlText)) {
            while (true) {
                String where = "document " + (count + 1) + " of " + sourceName;
                JsonNode json;
                try {
                    if (parser.nextToken() == null) {
                        break;
                    }
                    json = MAPPER.readTree(parser);
                } catch (JacksonException e) {
                    throw yamlError(where, e);
                }
                count++;
                document(json, where, out);
            }
        }
        return out;
    }

    private static PolicyValidationException yamlError(String where, JacksonException e) {
        String message = e.getOriginalMessage().lines().findFirst().orElse("unreadable YAML").strip();
        TokenStreamLocation at = e.getLocation();
        String position = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return new PolicyValidationException(where, "(document)", "is not valid YAML: " + message + position);
    }

    private static void document(JsonNode json, String where, List<Resource> out) {
        if (json == null || json.isNull() || json.isMissingNode()) {
            return;
        }
        Node root = Node.root(json, describe(json, where));
        if (!json.isObject()) {
            throw root.error("must be a mapping with apiVersion, kind and metadata");
        }
        String kindName = root.get("kind").string();
        String apiVersion = root.get("apiVersion").string();
        if (kindName.equals("List")) {
            root.object(List.of("apiVersion", "kind", "metadata", "items"));
            requireApiVersion(root, "v1");
            List<Node> items = root.get("items").list();
            for (int i = 0; i < items.size(); i++) {
                document(items.get(i).json(), "item " + (i + 1) + " of " + where, out);
            }
            return;
        }
        Kind kind = Kind.of(kindName);
        if (kind == null) {
            throw root.get("kind").error(kindName + " (" + apiVersion + ") is not a kind Porin handles; it reads "
                    + "Namespace, Pod, NetworkPolicy, CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy");
        }
        requireApiVersion(root, kind.apiVersion);
        Metadata metadata = Metadata.parse(root.get("metadata"), kind.namespaced, kind == Kind.NAMESPACE);
        out.add(switch (kind) {
            case NAMESPACE -> CoreResources.namespace(root, metadata);
            case POD -> CoreResources.pod(root, metadata);
            case NETWORK_POLICY, CILIUM_NETWORK_POLICY, CILIUM_CLUSTERWIDE_NETWORK_POLICY -> policy(root, kind, metadata);
        });
    }

    private static PolicyResource policy(Node root, Kind kind, Metadata metadata) {
        PolicyKind policyKind = PolicyKind.ofKind(kind.name);
        PolicyOrigin origin = new PolicyOrigin(policyKind, metadata.namespace(), metadata.name());
        var rules = kind == Kind.NETWORK_POLICY ? NetworkPolicyParser.parse(root, origin)
                : CiliumPolicyParser.parse(root, origin);
        return new PolicyResource(origin, rules, root.json());
    }

    private static void requireApiVersion(Node root, String expected) {
        Node apiVersion = root.get("apiVersion");
        if (!apiVersion.string().equals(expected)) {
            throw apiVersion.error("apiVersion " + apiVersion.string() + " is not supported for "
                    + root.get("kind").string() + "; expected " + expected);
        }
    }

    /**
     * How errors name a document: its kind and {@code namespace/name} when they can be read, then where it
     * is, e.g. {@code CiliumNetworkPolicy default/allow-db (document 2 of policies.yaml)}.
     */
    private static String describe(JsonNode json, String where) {
        String kindName = text(json.get("kind"));
        JsonNode metadata = json.get("metadata");
        String name = metadata == null ? null : text(metadata.get("name"));
        String namespace = metadata == null ? null : text(metadata.get("namespace"));
        Kind kind = Kind.of(kindName);
        if (kind != null) {
            namespace = !kind.namespaced ? null : namespace == null ? "default" : namespace;
        }
        if (kindName == null) {
            return where;
        }
        String who = name == null ? "" : (namespace == null ? name : namespace + "/" + name) + " ";
        return kindName + " " + who + "(" + where + ")";
    }

    private static String text(JsonNode node) {
        return node != null && node.isString() ? node.stringValue() : null;
    }
}
