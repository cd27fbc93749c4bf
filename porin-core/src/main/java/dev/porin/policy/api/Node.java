// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A value of a parsed YAML document together with where it is: the document's description and the field
 * path ({@code spec.ingress[0].toPorts[0].ports[1].port}). Accessors check the type they expect and throw a
 * {@link PolicyValidationException} naming the document, the path and what was wrong, so that parsers
 * never have to build error messages from scratch.
 *
 * <p>As in Kubernetes, an explicit {@code null} counts as absent.
 */
public final class Node {

    private final JsonNode json;
    private final String path;
    private final String document;

    private Node(JsonNode json, String path, String document) {
        this.json = json == null ? MissingNode.getInstance() : json;
        this.path = path;
        this.document = document;
    }

    /** The top of a document; {@code document} describes it in errors, e.g. {@code document 2 of policies.yaml}. */
    public static Node root(JsonNode json, String document) {
        return new Node(json, "", document);
    }

    public JsonNode json() {
        return json;
    }

    public String path() {
        return path;
    }

    public String document() {
        return document;
    }

    public boolean isAbsent() {
        return json.isMissingNode() || json.isNull();
    }

    public boolean isPresent() {
        return !isAbsent();
    }

    public boolean isString() {
        return json.isString();
    }

    public boolean isInteger() {
        return json.isIntegralNumber();
    }

    /** The field {@code name} of this mapping; absent if this is not a mapping or has no such field. */
    public Node get(String name) {
        JsonNode child = json.isObject() ? json.get(name) : null;
        return new Node(child, path.isEmpty() ? name : path + "." + name, document);
    }

    /** The error to throw for this value. */
    public PolicyValidationException error(String reason) {
        return new PolicyValidationException(document, path.isEmpty() ? "(document)" : path, reason);
    }

    /** Requires a mapping whose fields are all in {@code allowed}. */
    public Node object(List<String> allowed) {
        return object(allowed, Map.of());
    }

    /**
     * Requires a mapping whose fields are all in {@code allowed}; an unknown field that has an entry in
     * {@code hints} is refused with that explanation instead of the list of expected fields.
     */
    public Node object(List<String> allowed, Map<String, String> hints) {
        requireType(json.isObject(), "a mapping");
        for (String name : json.propertyNames()) {
            if (!allowed.contains(name)) {
                String hint = hints.get(name);
                throw get(name).error(hint != null ? hint
                        : "unknown field \"" + name + "\"; expected one of " + String.join(", ", allowed));
            }
        }
        return this;
    }

    /** The elements of a list; an absent list is empty. */
    public List<Node> list() {
        if (isAbsent()) {
            return List.of();
        }
        requireType(json.isArray(), "a list");
        List<Node> out = new ArrayList<>(json.size());
        for (int i = 0; i < json.size(); i++) {
            out.add(new Node(json.get(i), path + "[" + i + "]", document));
        }
        return out;
    }

    /** The values of a mapping by key, in document order; an absent mapping is empty. */
    public Map<String, Node> entries() {
        Map<String, Node> out = new LinkedHashMap<>();
        if (isAbsent()) {
            return out;
        }
        requireType(json.isObject(), "a mapping");
        for (var e : json.properties()) {
            out.put(e.getKey(), new Node(e.getValue(), path + "[\"" + e.getKey() + "\"]", document));
        }
        return out;
    }

    /** A required string. */
    public String string() {
        requirePresent();
        requireType(json.isString(), "a string");
        return json.stringValue();
    }

    /** A string, or {@code dflt} when absent. */
    public String string(String dflt) {
        return isAbsent() ? dflt : string();
    }

    /** A required integer. */
    public int integer() {
        requirePresent();
        requireType(json.isIntegralNumber() && json.canConvertToInt(), "an integer");
        return json.intValue();
    }

    /** A boolean, or null when absent. */
    public Boolean bool() {
        if (isAbsent()) {
            return null;
        }
        requireType(json.isBoolean(), "true or false");
        return json.booleanValue();
    }

    /** A list of strings; absent is empty. */
    public List<String> strings() {
        return list().stream().map(Node::string).toList();
    }

    /** A mapping of strings to strings; absent is empty. */
    public Map<String, String> stringMap() {
        Map<String, String> out = new LinkedHashMap<>();
        entries().forEach((k, v) -> out.put(k, v.string()));
        return out;
    }

    /** Requires the value to be present. */
    public Node required() {
        requirePresent();
        return this;
    }

    private void requirePresent() {
        if (isAbsent()) {
            throw error("is required");
        }
    }

    private void requireType(boolean ok, String expected) {
        if (!ok) {
            throw error("must be " + expected + ", not " + describe(json));
        }
    }

    private static String describe(JsonNode n) {
        return switch (n.getNodeType()) {
            case OBJECT -> "a mapping";
            case ARRAY -> "a list";
            case STRING -> "the string \"" + n.stringValue() + "\"";
            case NUMBER -> "the number " + n;
            case BOOLEAN -> "the boolean " + n;
            case NULL, MISSING -> "nothing";
            default -> n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
