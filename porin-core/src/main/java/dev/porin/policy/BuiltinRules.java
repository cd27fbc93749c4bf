// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.labels.LabelSelector;
import dev.porin.policy.api.Direction;
import dev.porin.policy.api.Entity;
import dev.porin.policy.api.Peer;
import dev.porin.policy.api.PeerRule;
import dev.porin.policy.api.PolicyKind;
import dev.porin.policy.api.PolicyOrigin;
import dev.porin.policy.api.Rule;
import dev.porin.policy.api.RuleRef;

import java.util.List;

/** Rules the agent adds on its own; they show up in attribution under kind {@code PorinAgent}. */
public final class BuiltinRules {

    public static final PolicyOrigin ALLOW_LOCALHOST = new PolicyOrigin(PolicyKind.AGENT, null, "allow-localhost");

    /**
     * The allow-all that a direction gets when policies select an endpoint for it but none asks for default
     * deny ({@code enableDefaultDeny: false}): the direction is enforced so that their deny rules apply, and
     * everything they do not deny is allowed, as in Cilium.
     */
    public static final PolicyOrigin DEFAULT_ALLOW = new PolicyOrigin(PolicyKind.AGENT, null, "default-allow");

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

    /** The element that allows everything in {@code direction} of a default-allow endpoint. */
    public static RuleRef defaultAllow(Direction direction) {
        return new RuleRef(DEFAULT_ALLOW, 0, direction, false, 0);
    }
}
