// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.policy.api.Direction;
import dev.porin.policy.api.RuleRef;

import java.util.ArrayList;
import java.util.List;

/**
 * One rule element compiled for one endpoint: which selectors pick its peers (or any peer), and the
 * protocol/port templates its keys take, named ports already resolved. {@link #keys(int)} makes the keys
 * for one peer identity.
 */
record ElementPlan(RuleRef ref, boolean anyPeer, List<PeerSelector> selectors, List<Port> ports) {

    /** A protocol/port prefix; protocol 0 stands for every protocol and port (an L3-only rule). */
    record Port(int protocol, int port, int prefix) {
        static final Port ALL = new Port(0, 0, 0);
    }

    ElementPlan {
        selectors = List.copyOf(selectors);
        ports = List.copyOf(ports);
    }

    Direction direction() {
        return ref.direction();
    }

    boolean deny() {
        return ref.deny();
    }

    List<PolicyKey> keys(int identity) {
        List<PolicyKey> keys = new ArrayList<>(ports.size());
        for (Port p : ports) {
            keys.add(new PolicyKey(identity, direction(), p.protocol(), p.port(), p.prefix()));
        }
        return keys;
    }
}
