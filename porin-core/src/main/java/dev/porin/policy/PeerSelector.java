// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.identity.Identity;
import dev.porin.labels.Label;
import dev.porin.labels.LabelSelector;
import dev.porin.net.Ipv4Prefix;

import java.util.List;

/** Something that selects identities: a label selector, or a CIDR with exceptions. */
public sealed interface PeerSelector {

    boolean selects(Identity identity);

    /** Identities whose labels match. */
    record ByLabels(LabelSelector selector) implements PeerSelector {
        @Override
        public boolean selects(Identity identity) {
            return selector.matches(identity.labels());
        }
    }

    /**
     * CIDR identities whose prefix lies inside {@code prefix} and inside none of {@code except}, and the world
     * when {@code prefix} is the whole space. Never pods, the host or nodes: they have no {@code cidr:} label.
     */
    record ByCidr(Ipv4Prefix prefix, List<Ipv4Prefix> except) implements PeerSelector {
        public ByCidr {
            except = List.copyOf(except);
        }

        @Override
        public boolean selects(Identity identity) {
            if (identity.id() == Identity.WORLD) {
                return prefix.length() == 0;
            }
            for (Label l : identity.labels()) {
                if (l.source().equals(Label.SOURCE_CIDR)) {
                    Ipv4Prefix p = parse(l.key());
                    return p != null && prefix.contains(p) && except.stream().noneMatch(e -> e.contains(p));
                }
            }
            return false;
        }

        private static Ipv4Prefix parse(String text) {
            try {
                return Ipv4Prefix.parse(text);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }
}
