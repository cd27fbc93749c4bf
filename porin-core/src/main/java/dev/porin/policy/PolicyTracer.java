// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.identity.IdentityAllocator;
import dev.porin.identity.Identity;
import dev.porin.labels.Labels;
import dev.porin.policy.api.Direction;
import dev.porin.policy.api.PolicyOrigin;
import dev.porin.policy.api.Rule;
import dev.porin.policy.api.RuleRef;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * Answers "would this traffic be allowed, and why?" for a source and a destination given by their
 * labels. It resolves the policy of both sides with a scratch engine (the very code the agent uses) and
 * decides with {@link PolicyLookup} (the datapath's algorithm), so the answer is the kernel's answer.
 */
public final class PolicyTracer {

    /** One side's decision: whether policy applied at all, the verdict, and what decided it. */
    public record Side(Direction direction, boolean enforced, PolicyLookup.Verdict verdict, List<RuleRef> rules,
                       SortedSet<PolicyOrigin> defaultDenyBy) {
        public boolean allowed() {
            return !enforced || verdict.allowed();
        }
    }

    /** Egress of the source, ingress of the destination; allowed only if both allow. */
    public record Trace(Side egress, Side ingress) {
        public boolean allowed() {
            return egress.allowed() && ingress.allowed();
        }
    }

    private PolicyTracer() {
    }

    /**
     * @param sourceLocal      whether the source is an endpoint on this node (else its egress is not policed)
     * @param destinationLocal whether the destination is an endpoint on this node
     */
    public static Trace trace(Map<PolicyOrigin, List<Rule>> policies, List<Rule> builtin, Labels source,
                              List<NamedPort> sourcePorts, boolean sourceLocal, Labels destination,
                              List<NamedPort> destinationPorts, boolean destinationLocal, int protocol, int port) {
        PolicyEngine engine = new PolicyEngine(new IdentityAllocator(), builtin);
        policies.forEach(engine::setPolicy);
        Identity src = engine.acquireIdentity(source);
        Identity dst = engine.acquireIdentity(destination);
        engine.upsertEndpoint(1, src, sourcePorts);
        engine.upsertEndpoint(2, dst, destinationPorts);
        Side egress = side(engine, 1, dst.id(), Direction.EGRESS, sourceLocal, protocol, port);
        Side ingress = side(engine, 2, src.id(), Direction.INGRESS, destinationLocal, protocol, port);
        return new Trace(egress, ingress);
    }

    private static Side side(PolicyEngine engine, int endpoint, int remote, Direction direction, boolean local,
                             int protocol, int port) {
        Enforcement e = engine.enforcement(endpoint);
        boolean enforced = local && (direction == Direction.INGRESS ? e.ingress() : e.egress());
        PolicyLookup.Verdict v = PolicyLookup.lookup(engine.entries(endpoint), remote, direction, protocol, port);
        List<RuleRef> rules = v.entry() == null ? List.of() : engine.attribution(v.entry().cookie());
        return new Side(direction, enforced, v, rules, e.by(direction));
    }
}
