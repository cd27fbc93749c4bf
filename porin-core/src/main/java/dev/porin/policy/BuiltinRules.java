// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.labels.LabelSelector;
import dev.porin.policy.api.Entity;
import dev.porin.policy.api.Peer;
import dev.porin.policy.api.PeerRule;
import dev.porin.policy.api.PolicyKind;
import dev.porin.policy.api.PolicyOrigin;
import dev.porin.policy.api.Rule;

import java.util.List;

/** Rules the agent adds on its own; they show up in attribution under kind {@code PorinAgent}. */
public final class BuiltinRules {

    public static final PolicyOrigin ALLOW_LOCALHOST = new PolicyOrigin(PolicyKind.AGENT, null, "allow-localhost");

    private BuiltinRules() {
    }

    /**
     * The local host may reach every local endpoint (Cilium's {@code allow-localhost}), so that the kubelet's
     * probes keep working under default-deny. It never makes an endpoint default-deny by itself.
     */
    public static Rule allowLocalhost() {
        return new Rule(ALLOW_LOCALHOST, 0, LabelSelector.ALL,
                List.of(new PeerRule(false, List.of(new Peer.EntityPeer(Entity.HOST)), List.of(), List.of())),
                List.of(), List.of(), List.of(), false, false,
                "the local host may always reach local endpoints");
    }
}
