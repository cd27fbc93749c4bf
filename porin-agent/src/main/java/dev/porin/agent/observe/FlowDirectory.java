// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.observe;

import dev.porin.endpoint.Endpoint;
import dev.porin.identity.Identity;
import dev.porin.identity.ReservedIdentities;
import dev.porin.labels.Labels;
import dev.porin.net.Ipv4Prefix;
import dev.porin.observe.FlowContext;
import dev.porin.observe.FlowEndpoint;
import dev.porin.observe.PolicyCause;
import dev.porin.policy.Enforcement;
import dev.porin.policy.api.Direction;
import dev.porin.policy.api.PolicyOrigin;
import dev.porin.policy.api.RuleRef;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * What flows are enriched with, kept current by the policy layer (which pushes every change to it under
 * its lock) and read without locks by the event reader: pods by address, identities with their labels, the
 * policies behind each endpoint's default deny, and the rules behind policy cookies.
 */
public final class FlowDirectory implements FlowContext {

    private record Enforcing(List<PolicyCause> ingress, List<PolicyCause> egress) {
    }

    private record Attribution(List<RuleRef> refs, List<PolicyCause> causes) {
    }

    private final IntFunction<List<RuleRef>> attribution;
    private final Map<Integer, FlowEndpoint> pods = new ConcurrentHashMap<>();
    private final Map<Integer, Enforcing> enforcing = new ConcurrentHashMap<>();
    private final Map<Integer, Attribution> causes = new ConcurrentHashMap<>();
    private volatile Map<Integer, FlowEndpoint> identities = reservedOnly();
    private volatile long revision;

    /** @param attribution the rules behind a cookie; must be safe to call from any thread */
    public FlowDirectory(IntFunction<List<RuleRef>> attribution) {
        this.attribution = attribution;
    }

    // ---- updates, from the policy layer

    public void endpoint(Endpoint ep, Identity identity) {
        pods.put(Ipv4Prefix.toInt(ep.ipv4()),
                FlowEndpoint.of(ep.id(), identity.id(), ep.namespace(), ep.podName(), identity.labels()));
    }

    public void removeEndpoint(Endpoint ep) {
        pods.remove(Ipv4Prefix.toInt(ep.ipv4()));
        enforcing.remove(ep.id());
    }

    public void enforcement(int endpoint, Enforcement e) {
        enforcing.put(endpoint, new Enforcing(defaultDeny(e.ingressBy()), defaultDeny(e.egressBy())));
    }

    /** Replaces the known identities; call after identities were allocated or released. */
    public void identities(Collection<Identity> all) {
        Map<Integer, FlowEndpoint> out = new HashMap<>(reservedOnly());
        Map<Integer, FlowEndpoint> old = identities;
        for (Identity i : all) {
            FlowEndpoint known = old.get(i.id());
            out.put(i.id(), known != null && known.labels().equals(i.labels()) ? known
                    : FlowEndpoint.ofIdentity(i.id(), i.labels()));
        }
        identities = Map.copyOf(out);
    }

    public void revision(long policyRevision) {
        revision = policyRevision;
    }

    // ---- FlowContext

    @Override
    public FlowEndpoint endpointByIp(int ipv4) {
        return pods.get(ipv4);
    }

    @Override
    public FlowEndpoint identity(int identity) {
        FlowEndpoint ep = identities.get(identity);
        return ep != null ? ep : FlowEndpoint.ofIdentity(identity, Labels.EMPTY);
    }

    @Override
    public List<PolicyCause> rules(int cookie) {
        if (cookie == 0) {
            return List.of();
        }
        List<RuleRef> refs = attribution.apply(cookie);
        Attribution cached = causes.get(cookie);
        if (cached != null && cached.refs() == refs) {
            return cached.causes();
        }
        List<PolicyCause> out = refs.stream().map(PolicyCause::of).toList();
        causes.put(cookie, new Attribution(refs, out));
        return out;
    }

    @Override
    public List<PolicyCause> defaultDeny(int endpoint, Direction direction) {
        Enforcing e = enforcing.get(endpoint);
        if (e == null) {
            return List.of();
        }
        return direction == Direction.INGRESS ? e.ingress() : e.egress();
    }

    @Override
    public long policyRevision() {
        return revision;
    }

    private static List<PolicyCause> defaultDeny(Collection<PolicyOrigin> origins) {
        return origins.stream().map(PolicyCause::defaultDeny).toList();
    }

    private static Map<Integer, FlowEndpoint> reservedOnly() {
        Map<Integer, FlowEndpoint> out = new HashMap<>();
        for (Identity i : ReservedIdentities.ALL) {
            out.put(i.id(), FlowEndpoint.ofIdentity(i.id(), i.labels()));
        }
        return Map.copyOf(out);
    }
}
