// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import java.util.List;
import java.util.Locale;

/** L4 protocols a port rule can name. {@code ANY} stands for TCP, UDP and SCTP. */
public enum Protocol {
    TCP(6), UDP(17), SCTP(132), ANY(0), ICMP(1), VRRP(112), IGMP(2);

    private final int number;

    Protocol(int number) {
        this.number = number;
    }

    /** The IP protocol number (0 for ANY). */
    public int number() {
        return number;
    }

    /** The IP protocols a rule on this protocol covers. */
    public List<Protocol> expand() {
        return this == ANY ? List.of(TCP, UDP, SCTP) : List.of(this);
    }

    /** Accepts the names Kubernetes and Cilium accept, in any case; empty means ANY. */
    public static Protocol parse(String text) {
        if (text == null || text.isEmpty()) {
            return ANY;
        }
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown protocol '" + text + "' (expected TCP, UDP, SCTP or ANY)");
        }
    }

    public static Protocol ofNumber(int number) {
        for (Protocol p : values()) {
            if (p.number == number) {
                return p;
            }
        }
        return null;
    }
}
