// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

/** How far a route's destination is (rtm_scope, {@code enum rt_scope_t} in rtnetlink.h). */
public enum Scope {
    /** Anywhere; the scope of routes through a gateway. */
    UNIVERSE(0),
    SITE(200),
    /** Directly attached to the output link: no gateway. */
    LINK(253),
    /** On this host. */
    HOST(254),
    NOWHERE(255);

    private final int value;

    Scope(int value) {
        this.value = value;
    }

    /** The kernel's number for this scope. */
    public int value() {
        return value;
    }

    /** The scope with kernel number {@code value}, or null for a number without a name. */
    static Scope ofValue(int value) {
        for (Scope s : values()) {
            if (s.value == value) {
                return s;
            }
        }
        return null;
    }
}
