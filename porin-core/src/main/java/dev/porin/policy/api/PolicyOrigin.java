// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

/**
 * The object a rule came from: kind, namespace (null for cluster-wide policies) and name. This is what
 * attribution reports ("which policy dropped my traffic?").
 */
public record PolicyOrigin(PolicyKind kind, String namespace, String name) implements Comparable<PolicyOrigin> {

    /** {@code namespace/name}, or just {@code name} for a cluster-wide policy. */
    public String qualifiedName() {
        return namespace == null ? name : namespace + "/" + name;
    }

    /** The order of {@link #toString()}, without building the strings: sorted sets of origins and rules use it. */
    @Override
    public int compareTo(PolicyOrigin o) {
        for (int i = 0; ; i++) {
            int a = charAt(i);
            int b = o.charAt(i);
            if (a != b) {
                return a - b;
            }
            if (a < 0) {
                return 0;
            }
        }
    }

    /** The character at {@code i} of {@link #toString()}, or -1 past its end. */
    private int charAt(int i) {
        if (namespace != null) {
            if (i < namespace.length()) {
                return namespace.charAt(i);
            }
            i -= namespace.length();
            if (i == 0) {
                return '/';
            }
            i--;
        }
        if (i < name.length()) {
            return name.charAt(i);
        }
        i -= name.length();
        if (i < 2) {
            return " (".charAt(i);
        }
        i -= 2;
        String k = kind.kind();
        if (i < k.length()) {
            return k.charAt(i);
        }
        return i == k.length() ? ')' : -1;
    }

    @Override
    public String toString() {
        return qualifiedName() + " (" + kind.kind() + ")";
    }
}
