// SPDX-License-Identifier: Apache-2.0
package dev.porin.cni;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import dev.porin.api.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The network configuration a runtime sends on stdin, reduced to what Porin reads. Other fields are
 * accepted and ignored, as the spec asks of plugins.
 *
 * @param labels      {@code args.cni.labels}, the pod's labels by the CNI conventions
 * @param prevResult  the result of the previous ADD (CHECK, DEL) or of an earlier plugin in a chain, or null
 * @param attachments {@code cni.dev/valid-attachments} of a GC request, or null
 */
public record NetConf(String cniVersion, String name, Map<String, String> labels, ObjectNode prevResult,
                      List<Attachment> attachments) {

    /** An attachment a GC request says is still valid. */
    public record Attachment(String containerId, String ifname) {
    }

    private static final Pattern NETWORK_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]*");
    /** A Kubernetes label key: optional DNS prefix, then a name of at most 63 characters. */
    private static final Pattern LABEL_KEY =
            Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

    /**
     * The version an error answers in: the request's {@code cniVersion} when it has one (as the plugin
     * executable does for its own errors), else the newest.
     */
    public static String versionOf(byte[] stdin) {
        try {
            JsonNode v = Json.MAPPER.readTree(stdin).get("cniVersion");
            return v != null && v.isString() && !v.asString().isEmpty() ? v.asString() : CniVersion.LATEST;
        } catch (JacksonException | IllegalArgumentException e) {
            return CniVersion.LATEST;
        }
    }

    public static NetConf parse(byte[] stdin) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(stdin);
        } catch (JacksonException e) {
            throw new CniException(CniException.DECODING_FAILURE, "cannot decode the network configuration: "
                    + e.getOriginalMessage(), "");
        }
        if (root == null || !root.isObject()) {
            throw new CniException(CniException.DECODING_FAILURE, "the network configuration is not a JSON object", "");
        }
        String version = requiredString(root, "cniVersion");
        if (!CniVersion.isSupported(version)) {
            throw new CniException(CniException.INCOMPATIBLE_VERSION, "incompatible CNI version " + version,
                    "porin-cni supports " + String.join(", ", CniVersion.SUPPORTED));
        }
        String name = requiredString(root, "name");
        if (!NETWORK_NAME.matcher(name).matches()) {
            throw CniException.invalidConfig("name", "'" + name + "' is not a valid network name");
        }
        JsonNode prev = root.get("prevResult");
        if (prev != null && !prev.isNull() && !prev.isObject()) {
            throw CniException.invalidConfig("prevResult", "must be an object");
        }
        return new NetConf(version, name, labels(root), prev != null && prev.isObject() ? (ObjectNode) prev : null,
                attachments(root));
    }

    private static String requiredString(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            throw CniException.invalidConfig(field, "missing");
        }
        if (!v.isString() || v.asString().isEmpty()) {
            throw CniException.invalidConfig(field, "must be a non-empty string");
        }
        return v.asString();
    }

    private static Map<String, String> labels(JsonNode root) {
        JsonNode list = root.path("args").path("cni").path("labels");
        Map<String, String> labels = new LinkedHashMap<>();
        if (list.isMissingNode() || list.isNull()) {
            return labels;
        }
        if (!list.isArray()) {
            throw CniException.invalidConfig("args.cni.labels", "must be a list of {\"key\": ..., \"value\": ...}");
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode l = list.get(i);
            String where = "args.cni.labels[" + i + "]";
            JsonNode k = l.get("key");
            JsonNode v = l.get("value");
            if (k == null || !k.isString() || (v != null && !v.isNull() && !v.isString())) {
                throw CniException.invalidConfig(where, "must be {\"key\": string, \"value\": string}");
            }
            String key = k.asString();
            String value = v == null || v.isNull() ? "" : v.asString();
            if (!LABEL_KEY.matcher(key).matches() || key.length() > 317) {
                throw CniException.invalidConfig(where + ".key", "'" + key + "' is not a valid label key");
            }
            if (!LABEL_VALUE.matcher(value).matches()) {
                throw CniException.invalidConfig(where + ".value", "'" + value + "' is not a valid label value");
            }
            labels.put(key, value);
        }
        return labels;
    }

    private static List<Attachment> attachments(JsonNode root) {
        JsonNode list = root.get("cni.dev/valid-attachments");
        if (list == null || list.isNull()) {
            return null;
        }
        if (!list.isArray()) {
            throw CniException.invalidConfig("cni.dev/valid-attachments", "must be a list");
        }
        List<Attachment> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode a = list.get(i);
            JsonNode c = a.get("containerID");
            JsonNode f = a.get("ifname");
            if (c == null || !c.isString() || f == null || !f.isString()) {
                throw CniException.invalidConfig("cni.dev/valid-attachments[" + i + "]",
                        "must be {\"containerID\": string, \"ifname\": string}");
            }
            out.add(new Attachment(c.asString(), f.asString()));
        }
        return out;
    }
}
