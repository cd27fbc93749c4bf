// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import dev.porin.labels.LabelSelector;
import dev.porin.labels.LabelSelector.Operator;
import dev.porin.labels.LabelSelector.Requirement;

import java.util.ArrayList;
import java.util.List;

/**
 * Label selectors in the string form {@code kubectl -l} and Hubble's label filters use:
 * {@code app=web,tier!=db,env in (prod,qa),!canary,k8s:team}. A key without a source prefix matches any
 * source.
 */
public final class SelectorSyntax {

    private SelectorSyntax() {
    }

    public static LabelSelector parse(String text) {
        List<Requirement> out = new ArrayList<>();
        for (String part : split(text)) {
            String p = part.strip();
            if (p.isEmpty()) {
                throw new IllegalArgumentException("empty requirement in selector '" + text + "'");
            }
            out.add(requirement(p, text));
        }
        return new LabelSelector(out);
    }

    private static Requirement requirement(String p, String text) {
        if (p.startsWith("!")) {
            return Requirement.of(key(p.substring(1), text), Operator.DOES_NOT_EXIST, List.of());
        }
        int ne = p.indexOf("!=");
        if (ne > 0) {
            return Requirement.of(key(p.substring(0, ne), text), Operator.NOT_IN, List.of(p.substring(ne + 2).strip()));
        }
        int eq = p.indexOf('=');
        if (eq > 0) {
            String value = p.substring(p.startsWith("==", eq) ? eq + 2 : eq + 1).strip();
            return Requirement.of(key(p.substring(0, eq), text), Operator.IN, List.of(value));
        }
        String[] words = p.split("\\s+", 3);
        if (words.length == 3 && (words[1].equals("in") || words[1].equals("notin"))) {
            String set = words[2].strip();
            if (!set.startsWith("(") || !set.endsWith(")")) {
                throw new IllegalArgumentException("'" + words[1] + "' needs a parenthesised list in selector '" + text + "'");
            }
            List<String> values = new ArrayList<>();
            for (String v : set.substring(1, set.length() - 1).split(",")) {
                if (!v.isBlank()) {
                    values.add(v.strip());
                }
            }
            return Requirement.of(key(words[0], text), words[1].equals("in") ? Operator.IN : Operator.NOT_IN, values);
        }
        if (words.length == 1) {
            return Requirement.of(key(p, text), Operator.EXISTS, List.of());
        }
        throw new IllegalArgumentException("cannot parse '" + p + "' in selector '" + text + "'");
    }

    private static String key(String k, String text) {
        String key = k.strip();
        if (key.isEmpty() || key.chars().anyMatch(c -> Character.isWhitespace(c) || "=!(),".indexOf(c) >= 0)) {
            throw new IllegalArgumentException("bad label key '" + k + "' in selector '" + text + "'");
        }
        return key;
    }

    /** Splits on commas outside parentheses. */
    private static List<String> split(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(text.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(text.substring(from));
        return parts;
    }
}
