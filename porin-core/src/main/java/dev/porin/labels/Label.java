// SPDX-License-Identifier: Apache-2.0
package dev.porin.labels;

import java.util.Objects;

/**
 * One label: where it comes from ({@link #source}), its key and its value (empty for a key-only label
 * such as {@code reserved:host}). Printed and parsed as {@code source:key=value}.
 */
public record Label(String source, String key, String value) implements Comparable<Label> {

    public static final String SOURCE_K8S = "k8s";
    public static final String SOURCE_RESERVED = "reserved";
    public static final String SOURCE_CIDR = "cidr";
    public static final String SOURCE_ANY = "any";
    public static final String SOURCE_UNSPEC = "unspec";

    public Label {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(key, "key");
        value = value == null ? "" : value;
        if (key.isEmpty()) {
            throw new IllegalArgumentException("a label needs a key");
        }
    }

    public static Label k8s(String key, String value) {
        return new Label(SOURCE_K8S, key, value);
    }

    public static Label reserved(String key) {
        return new Label(SOURCE_RESERVED, key, "");
    }

    /**
     * Parses {@code source:key=value}, {@code key=value} (source {@code defaultSource}) or {@code source:key}.
     * The source is whatever precedes the first ':' when that comes before any '='; keys such as
     * {@code k8s:io.kubernetes.pod.namespace} parse as source k8s.
     */
    public static Label parse(String text, String defaultSource) {
        int eq = text.indexOf('=');
        int colon = text.indexOf(':');
        String source = defaultSource;
        String rest = text;
        if (colon > 0 && (eq < 0 || colon < eq)) {
            source = text.substring(0, colon);
            rest = text.substring(colon + 1);
            eq = rest.indexOf('=');
        }
        String key = eq < 0 ? rest : rest.substring(0, eq);
        String value = eq < 0 ? "" : rest.substring(eq + 1);
        if (key.isEmpty()) {
            throw new IllegalArgumentException("label '" + text + "' has no key");
        }
        return new Label(source, key, value);
    }

    /** True if this label, used in a selector, stands for {@code other}: same key, and same source unless this one is {@code any}. */
    public boolean matchesKeyOf(Label other) {
        return key.equals(other.key) && (source.equals(SOURCE_ANY) || source.equals(other.source));
    }

    @Override
    public int compareTo(Label o) {
        int c = source.compareTo(o.source);
        if (c != 0) {
            return c;
        }
        c = key.compareTo(o.key);
        return c != 0 ? c : value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return source + ":" + key + (value.isEmpty() ? "" : "=" + value);
    }
}
