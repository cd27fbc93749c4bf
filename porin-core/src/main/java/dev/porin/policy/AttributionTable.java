// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.policy.api.RuleRef;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cookies: small numbers that stand for the set of rules behind a policy map entry. The datapath carries
 * the cookie of the entry that decided a packet; this table turns it back into rules. Equal sets share a
 * cookie; a cookie is freed when the last entry using it goes, and its number is reused only after every
 * other has been handed out, so that an event in flight is not misattributed.
 *
 * <p>Changes happen under the policy lock; {@link #rules} may be called from any thread without it (the
 * event reader attributes verdicts while policy changes).
 */
public final class AttributionTable {

    private final Map<List<RuleRef>, Integer> bySet = new HashMap<>();
    private final Map<Integer, List<RuleRef>> byCookie = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> uses = new HashMap<>();
    private int next = 1;

    /** The cookie of {@code refs}, taking one use of it. */
    public int acquire(SortedSet<RuleRef> refs) {
        List<RuleRef> key = List.copyOf(refs);
        Integer cookie = bySet.get(key);
        if (cookie == null) {
            cookie = nextFree();
            bySet.put(key, cookie);
            byCookie.put(cookie, key);
        }
        uses.merge(cookie, 1, Integer::sum);
        return cookie;
    }

    public void release(int cookie) {
        Integer left = uses.computeIfPresent(cookie, (c, n) -> n - 1);
        if (left != null && left == 0) {
            uses.remove(cookie);
            bySet.remove(byCookie.remove(cookie));
        }
    }

    /** The rules behind {@code cookie}; empty for an unknown one. */
    public List<RuleRef> rules(int cookie) {
        return byCookie.getOrDefault(cookie, List.of());
    }

    public int size() {
        return byCookie.size();
    }

    private int nextFree() {
        while (byCookie.containsKey(next) || next == 0) {
            next = next == Integer.MAX_VALUE ? 1 : next + 1;
        }
        int c = next;
        next = next == Integer.MAX_VALUE ? 1 : next + 1;
        return c;
    }
}
