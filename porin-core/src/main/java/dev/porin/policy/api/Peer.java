// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import dev.porin.labels.LabelSelector;

import java.util.List;

/** Who a rule element is about: the sources of an ingress rule or the destinations of an egress rule. */
public sealed interface Peer {

    /** Endpoints by labels; namespace scoping is already applied. */
    record Endpoints(LabelSelector selector) implements Peer {
    }

    /** Addresses outside the cluster: a prefix minus exceptions. IPv4 and IPv6 text, as written. */
    record Cidr(String cidr, List<String> except) implements Peer {
        public Cidr {
            except = List.copyOf(except);
        }
    }

    record EntityPeer(Entity entity) implements Peer {
    }

    /** Addresses a DNS name resolves to (egress). They are learned by the DNS proxy. */
    record Fqdn(FqdnSelector selector) implements Peer {
    }

    /** The endpoints of a Kubernetes Service by name or by label selector (egress). */
    record Service(String name, LabelSelector selector, String namespace) implements Peer {
    }

    /** Nodes by node labels. */
    record Nodes(LabelSelector selector) implements Peer {
    }

    /** Cloud provider groups ({@code toGroups}/{@code fromGroups}). */
    record Group(String provider) implements Peer {
    }
}
