// SPDX-License-Identifier: Apache-2.0
package dev.porin.labels;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A Kubernetes label selector as Cilium applies it to identities: every requirement must hold. A key
 * may name its source ({@code k8s:app}); a key without one ({@code app}) matches that key from any source.
 * The empty selector matches everything.
 */
public record LabelSelector(List<Requirement> requirements) {

    public static final LabelSelector ALL = new LabelSelector(List.of());

    public enum Operator {
        IN, NOT_IN, EXISTS, DOES_NOT_EXIST;

        /** Kubernetes spells them {@code In}, {@code NotIn}, ...; Cilium also accepts lower case. */
        public static Operator parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "in" -> IN;
                case "notin" -> NOT_IN;
                case "exists" -> EXISTS;
                case "doesnotexist" -> DOES_NOT_EXIST;
                default -> throw new IllegalArgumentException("unknown operator '" + text
                        + "' (expected In, NotIn, Exists or DoesNotExist)");
            };
        }

        String k8sName() {
            return switch (this) {
                case IN -> "In";
                case NOT_IN -> "NotIn";
                case EXISTS -> "Exists";
                case DOES_NOT_EXIST -> "DoesNotExist";
            };
        }
    }

    /** One requirement on the label with {@code source}/{@code key}. */
    public record Requirement(String source, String key, Operator operator, SortedSet<String> values) {
        public Requirement {
            values = new TreeSet<>(values);
            if ((operator == Operator.IN || operator == Operator.NOT_IN) && values.isEmpty()) {
                throw new IllegalArgumentException("operator " + operator.k8sName() + " on '" + key + "' needs values");
            }
            if ((operator == Operator.EXISTS || operator == Operator.DOES_NOT_EXIST) && !values.isEmpty()) {
                throw new IllegalArgumentException("operator " + operator.k8sName() + " on '" + key + "' takes no values");
            }
        }

        /** A selector key as users write it: {@code k8s:app}, {@code reserved:host} or plain {@code app} (any source). */
        public static Requirement of(String selectorKey, Operator operator, java.util.Collection<String> values) {
            Label k = parseKey(selectorKey);
            return new Requirement(k.source(), k.key(), operator, new TreeSet<>(values));
        }

        public boolean matches(Labels labels) {
            var label = labels.get(source, key);
            return switch (operator) {
                case IN -> label.isPresent() && values.contains(label.get().value());
                case NOT_IN -> label.isEmpty() || !values.contains(label.get().value());
                case EXISTS -> label.isPresent();
                case DOES_NOT_EXIST -> label.isEmpty();
            };
        }

        @Override
        public String toString() {
            String k = source + ":" + key;
            return switch (operator) {
                case EXISTS -> k;
                case DOES_NOT_EXIST -> "!" + k;
                case IN -> values.size() == 1 ? k + "=" + values.first() : k + " in (" + String.join(",", values) + ")";
                case NOT_IN -> k + " notin (" + String.join(",", values) + ")";
            };
        }
    }

    public LabelSelector {
        requirements = List.copyOf(requirements);
    }

    /** {@code matchLabels} and {@code matchExpressions}, with keys as users write them. */
    public static LabelSelector of(Map<String, String> matchLabels, List<Requirement> matchExpressions) {
        List<Requirement> reqs = new ArrayList<>();
        matchLabels.forEach((k, v) -> reqs.add(Requirement.of(k, Operator.IN, List.of(v))));
        reqs.addAll(matchExpressions);
        return new LabelSelector(reqs);
    }

    /** The source and key of a selector key: {@code k8s:app} is k8s/app, {@code app} is any/app. */
    public static Label parseKey(String selectorKey) {
        int colon = selectorKey.indexOf(':');
        if (colon > 0) {
            return new Label(selectorKey.substring(0, colon), selectorKey.substring(colon + 1), "");
        }
        return new Label(Label.SOURCE_ANY, selectorKey, "");
    }

    public boolean matches(Labels labels) {
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    public LabelSelector and(Requirement r) {
        List<Requirement> reqs = new ArrayList<>(requirements);
        reqs.add(r);
        return new LabelSelector(reqs);
    }

    public LabelSelector and(LabelSelector other) {
        List<Requirement> reqs = new ArrayList<>(requirements);
        reqs.addAll(other.requirements);
        return new LabelSelector(reqs);
    }

    /** True if some requirement is about {@code key} (from any source). */
    public boolean constrains(String key) {
        return requirements.stream().anyMatch(r -> r.key().equals(key));
    }

    /** True if some requirement is about a label of {@code source}. */
    public boolean constrainsSource(String source) {
        return requirements.stream().anyMatch(r -> r.source().equals(source));
    }

    public boolean isEmpty() {
        return requirements.isEmpty();
    }

    /** A canonical text form: equal selectors print equally, so it serves as a cache key. */
    @Override
    public String toString() {
        return requirements.stream().map(Requirement::toString).sorted().collect(Collectors.joining(",", "{", "}"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSelector other && toString().equals(other.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
