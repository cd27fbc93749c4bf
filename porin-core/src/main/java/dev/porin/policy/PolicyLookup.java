// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.policy.api.Direction;

import java.util.Map;

/**
 * The datapath's policy decision, in Java: the same two lookups ({@code bpf/lib/policy.h}) over an
 * endpoint's entries, so that {@code porin policy trace} and tests see exactly what the kernel decides.
 *
 * <ol>
 *   <li>The longest entry for the exact peer identity; a deny there decides.</li>
 *   <li>The longest entry for any peer (identity 0).</li>
 *   <li>The any-peer entry is chosen if it denies, if there is no exact-peer entry, or if its
 *       protocol/port prefix is longer; otherwise the exact-peer entry. Neither: no rule allows it.</li>
 * </ol>
 */
public final class PolicyLookup {

    /** How specific the deciding entry was, numbered as Cilium's policy verdict events number it. */
    public enum MatchType {
        NONE(0, "none"), L3_ONLY(1, "L3-Only"), L3_L4(2, "L3-L4"), L4_ONLY(3, "L4-Only"), ALL(4, "all"),
        L3_PROTO(5, "L3-Proto"), PROTO_ONLY(6, "Proto-Only");

        private final int value;
        private final String text;

        MatchType(int value, String text) {
            this.value = value;
            this.text = text;
        }

        public int value() {
            return value;
        }

        public String text() {
            return text;
        }

        public static MatchType of(int value) {
            for (MatchType t : values()) {
                if (t.value == value) {
                    return t;
                }
            }
            return NONE;
        }

        static MatchType of(PolicyKey key) {
            int prefix = key.prefixLength();
            if (key.identity() != 0) {
                return prefix > 8 ? L3_L4 : prefix > 0 ? L3_PROTO : L3_ONLY;
            }
            return prefix > 8 ? L4_ONLY : prefix > 0 ? PROTO_ONLY : ALL;
        }
    }

    /**
     * The decision: allowed or not, and the entry that decided (null when none matched: default deny).
     * {@code explicitDeny} tells a deny rule (drop reason 181) from no allow rule (133).
     */
    public record Verdict(boolean allowed, PolicyKey key, PolicyEntry entry, MatchType match) {
        public boolean explicitDeny() {
            return entry != null && entry.deny();
        }
    }

    private PolicyLookup() {
    }

    public static Verdict lookup(Map<PolicyKey, PolicyEntry> entries, int remoteIdentity, Direction direction,
                                 int protocol, int port) {
        PolicyKey probe = PolicyKey.exact(remoteIdentity, direction, protocol, port);
        Map.Entry<PolicyKey, PolicyEntry> l3 = longest(entries, probe);
        if (l3 != null && l3.getValue().deny()) {
            return verdict(l3);
        }
        Map.Entry<PolicyKey, PolicyEntry> l4 = remoteIdentity == 0 ? null
                : longest(entries, PolicyKey.exact(0, direction, protocol, port));
        Map.Entry<PolicyKey, PolicyEntry> chosen;
        if (l4 != null && (l4.getValue().deny() || l3 == null || l4.getKey().prefixLength() > l3.getKey().prefixLength())) {
            chosen = l4;
        } else {
            chosen = l3;
        }
        return chosen == null ? new Verdict(false, null, null, MatchType.NONE) : verdict(chosen);
    }

    private static Verdict verdict(Map.Entry<PolicyKey, PolicyEntry> e) {
        return new Verdict(!e.getValue().deny(), e.getKey(), e.getValue(), MatchType.of(e.getKey()));
    }

    private static Map.Entry<PolicyKey, PolicyEntry> longest(Map<PolicyKey, PolicyEntry> entries, PolicyKey probe) {
        Map.Entry<PolicyKey, PolicyEntry> best = null;
        for (Map.Entry<PolicyKey, PolicyEntry> e : entries.entrySet()) {
            PolicyKey k = e.getKey();
            if (k.covers(probe) && (best == null || k.prefixLength() > best.getKey().prefixLength())) {
                best = e;
            }
        }
        return best;
    }
}
