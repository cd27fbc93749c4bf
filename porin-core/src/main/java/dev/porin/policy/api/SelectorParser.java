// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import dev.porin.labels.Label;
import dev.porin.labels.LabelSelector;
import dev.porin.labels.LabelSelector.Operator;
import dev.porin.labels.LabelSelector.Requirement;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Label selectors ({@code matchLabels} and {@code matchExpressions}) in the two dialects policies use.
 *
 * <p>Cilium's: a key may name its source ({@code k8s:app}, {@code reserved:init}); a key without one
 * ({@code app}) matches that key from any source; operators are accepted in any case ({@code in} appears in
 * upstream examples). Kubernetes': keys are plain label keys of source {@code k8s}, operators are spelled
 * exactly.
 *
 * <p>Both accept overrides: {@code matchLabels} entries applied after the user's, replacing one with the
 * same source and key. That is how an imported policy pins a selector to its namespace.
 */
final class SelectorParser {

    private static final List<String> SELECTOR_FIELDS = List.of("matchLabels", "matchExpressions");
    private static final List<String> EXPRESSION_FIELDS = List.of("key", "operator", "values");

    private SelectorParser() {
    }

    static LabelSelector cilium(Node node) {
        return cilium(node, Map.of());
    }

    /** A Cilium selector; {@code overrides} keys are written as in Cilium ({@code k8s:io.kubernetes.pod.namespace}). */
    static LabelSelector cilium(Node node, Map<String, String> overrides) {
        return parse(node, null, overrides);
    }

    /**
     * A Kubernetes selector whose keys become {@code k8s:<keyPrefix><key>}; {@code overrides} keys are plain
     * label keys and get the same treatment.
     */
    static LabelSelector kubernetes(Node node, String keyPrefix, Map<String, String> overrides) {
        return parse(node, keyPrefix, overrides);
    }

    /** {@code keyPrefix} null means Cilium's dialect; an absent selector has only the overrides. */
    private static LabelSelector parse(Node node, String keyPrefix, Map<String, String> overrides) {
        if (node.isPresent()) {
            node.object(SELECTOR_FIELDS);
        }
        Map<String, Requirement> matchLabels = new LinkedHashMap<>();
        node.get("matchLabels").entries().forEach((key, value) -> {
            String selectorKey = selectorKey(value, key, keyPrefix);
            String text = value.string();
            if (!K8sSyntax.isLabelValue(text)) {
                throw value.error("\"" + text + "\" " + K8sSyntax.LABEL_VALUE_RULE);
            }
            put(matchLabels, Requirement.of(selectorKey, Operator.IN, List.of(text)));
        });
        overrides.forEach((key, value) -> put(matchLabels, Requirement.of(
                keyPrefix == null ? key : "k8s:" + keyPrefix + key, Operator.IN, List.of(value))));
        List<Requirement> expressions = new ArrayList<>();
        for (Node expression : node.get("matchExpressions").list()) {
            expressions.add(expression(expression, keyPrefix));
        }
        return LabelSelector.of(Map.of(), concat(matchLabels.values(), expressions));
    }

    private static Requirement expression(Node node, String keyPrefix) {
        node.object(EXPRESSION_FIELDS);
        Node keyNode = node.get("key");
        String selectorKey = selectorKey(keyNode, keyNode.string(), keyPrefix);
        Node opNode = node.get("operator");
        Operator operator = operator(opNode, keyPrefix == null);
        Node valuesNode = node.get("values");
        List<String> values = valuesNode.strings();
        boolean needsValues = operator == Operator.IN || operator == Operator.NOT_IN;
        if (needsValues && values.isEmpty()) {
            throw valuesNode.error("must list at least one value for operator " + opNode.string());
        }
        if (!needsValues && !values.isEmpty()) {
            throw valuesNode.error("must be empty for operator " + opNode.string());
        }
        List<Node> valueNodes = valuesNode.list();
        for (int i = 0; i < values.size(); i++) {
            if (!K8sSyntax.isLabelValue(values.get(i))) {
                throw valueNodes.get(i).error("\"" + values.get(i) + "\" " + K8sSyntax.LABEL_VALUE_RULE);
            }
        }
        return Requirement.of(selectorKey, operator, values);
    }

    private static Operator operator(Node node, boolean anyCase) {
        String text = node.string();
        for (Operator op : Operator.values()) {
            String name = switch (op) {
                case IN -> "In";
                case NOT_IN -> "NotIn";
                case EXISTS -> "Exists";
                case DOES_NOT_EXIST -> "DoesNotExist";
            };
            if (anyCase ? name.equalsIgnoreCase(text) : name.equals(text)) {
                return op;
            }
        }
        throw node.error("unknown operator \"" + text + "\"; expected In, NotIn, Exists or DoesNotExist");
    }

    /** Validates a key as written and returns it in the form {@link Requirement#of} reads. */
    private static String selectorKey(Node where, String key, String keyPrefix) {
        if (keyPrefix != null) {
            if (!K8sSyntax.isLabelKey(key)) {
                throw where.error("\"" + key + "\" " + K8sSyntax.LABEL_KEY_RULE);
            }
            return "k8s:" + keyPrefix + key;
        }
        String[] parts = key.split(":", -1);
        if (parts.length > 2) {
            throw where.error("\"" + key + "\" has more than one ':'; a key is an optional source, ':' and a label key");
        }
        if (parts.length == 2 && !parts[0].matches("[A-Za-z0-9]+")) {
            throw where.error("\"" + key + "\" has an invalid source \"" + parts[0]
                    + "\"; a source is letters and digits, such as k8s or reserved");
        }
        String labelKey = parts[parts.length - 1];
        if (!K8sSyntax.isLabelKey(labelKey)) {
            throw where.error("\"" + labelKey + "\" " + K8sSyntax.LABEL_KEY_RULE);
        }
        return key;
    }

    private static void put(Map<String, Requirement> matchLabels, Requirement r) {
        matchLabels.put(new Label(r.source(), r.key(), "").toString(), r);
    }

    private static List<Requirement> concat(java.util.Collection<Requirement> a, List<Requirement> b) {
        List<Requirement> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
