// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.identity.Identity;
import dev.porin.identity.SecurityLabels;
import dev.porin.labels.LabelSelector;
import dev.porin.labels.LabelSelector.Requirement;
import dev.porin.policy.api.Direction;
import dev.porin.policy.api.Entity;
import dev.porin.policy.api.IcmpField;
import dev.porin.policy.api.Peer;
import dev.porin.policy.api.PeerRule;
import dev.porin.policy.api.PolicyKind;
import dev.porin.policy.api.PolicyOrigin;
import dev.porin.policy.api.PortProtocol;
import dev.porin.policy.api.PortRule;
import dev.porin.policy.api.Protocol;
import dev.porin.policy.api.Rule;
import dev.porin.policy.api.RuleRef;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds rules the way the policy parser hands them over (namespace scoping applied, default-deny flags set
 * from the sections present), and renders engine state as short strings for assertions.
 */
final class Fixtures {

    static final int TCP = 6;
    static final int UDP = 17;
    static final int SCTP = 132;
    static final int ICMP = 1;

    private Fixtures() {
    }

    static PolicyOrigin cnp(String ns, String name) {
        return new PolicyOrigin(PolicyKind.CILIUM_NETWORK_POLICY, ns, name);
    }

    static PolicyOrigin ccnp(String name) {
        return new PolicyOrigin(PolicyKind.CILIUM_CLUSTERWIDE_NETWORK_POLICY, null, name);
    }

    /** {@code k8s:key=value} requirements, plus the namespace when {@code ns} is not null. */
    static LabelSelector pods(String ns, String... keyValues) {
        List<Requirement> reqs = new ArrayList<>();
        if (ns != null) {
            reqs.add(Requirement.of("k8s:" + SecurityLabels.NAMESPACE, LabelSelector.Operator.IN, List.of(ns)));
        }
        for (String kv : keyValues) {
            int eq = kv.indexOf('=');
            reqs.add(Requirement.of("k8s:" + kv.substring(0, eq), LabelSelector.Operator.IN, List.of(kv.substring(eq + 1))));
        }
        return new LabelSelector(reqs);
    }

    static Peer endpoints(LabelSelector s) {
        return new Peer.Endpoints(s);
    }

    static Peer entity(Entity e) {
        return new Peer.EntityPeer(e);
    }

    static Peer cidr(String cidr, String... except) {
        return new Peer.Cidr(cidr, List.of(except));
    }

    static PortProtocol port(int port, Protocol p) {
        return PortProtocol.number(port, p);
    }

    static PortProtocol tcp(int port) {
        return port(port, Protocol.TCP);
    }

    static PortProtocol range(int first, int last, Protocol p) {
        return new PortProtocol(first, last, null, p);
    }

    static PortProtocol named(String name, Protocol p) {
        return new PortProtocol(0, 0, name, p);
    }

    /** Every port and protocol from/to these peers. */
    static PeerRule peers(Peer... peers) {
        return new PeerRule(false, List.of(peers), List.of(), List.of());
    }

    static PeerRule peers(List<Peer> peers, PortProtocol... ports) {
        return new PeerRule(false, peers, List.of(new PortRule(List.of(ports), null, List.of())), List.of());
    }

    static PeerRule peer(Peer peer, PortProtocol... ports) {
        return peers(List.of(peer), ports);
    }

    /** No L3 peer named: these ports from/to anyone. */
    static PeerRule anyPeer(PortProtocol... ports) {
        return new PeerRule(true, List.of(), List.of(new PortRule(List.of(ports), null, List.of())), List.of());
    }

    static PeerRule icmp(Peer peer, IcmpField... types) {
        return new PeerRule(false, List.of(peer), List.of(), List.of(types));
    }

    static RuleBuilder rule(PolicyOrigin origin, LabelSelector subjects) {
        return new RuleBuilder(origin, subjects);
    }

    static final class RuleBuilder {
        private final PolicyOrigin origin;
        private final LabelSelector subjects;
        private int index;
        private final List<PeerRule> ingress = new ArrayList<>();
        private final List<PeerRule> ingressDeny = new ArrayList<>();
        private final List<PeerRule> egress = new ArrayList<>();
        private final List<PeerRule> egressDeny = new ArrayList<>();
        private Boolean defaultDenyIngress;
        private Boolean defaultDenyEgress;

        private RuleBuilder(PolicyOrigin origin, LabelSelector subjects) {
            this.origin = origin;
            this.subjects = subjects;
        }

        RuleBuilder index(int i) {
            index = i;
            return this;
        }

        RuleBuilder ingress(PeerRule... e) {
            ingress.addAll(Arrays.asList(e));
            return this;
        }

        RuleBuilder ingressDeny(PeerRule... e) {
            ingressDeny.addAll(Arrays.asList(e));
            return this;
        }

        RuleBuilder egress(PeerRule... e) {
            egress.addAll(Arrays.asList(e));
            return this;
        }

        RuleBuilder egressDeny(PeerRule... e) {
            egressDeny.addAll(Arrays.asList(e));
            return this;
        }

        /** {@code enableDefaultDeny: {ingress: in, egress: out}}. */
        RuleBuilder enableDefaultDeny(boolean in, boolean out) {
            defaultDenyIngress = in;
            defaultDenyEgress = out;
            return this;
        }

        Rule build() {
            boolean hasIn = !ingress.isEmpty() || !ingressDeny.isEmpty();
            boolean hasOut = !egress.isEmpty() || !egressDeny.isEmpty();
            return new Rule(origin, index, subjects, ingress, ingressDeny, egress, egressDeny,
                    hasIn && (defaultDenyIngress == null || defaultDenyIngress),
                    hasOut && (defaultDenyEgress == null || defaultDenyEgress), null);
        }
    }

    /** A pod's identity, from its labels ({@code key=value}) in namespace {@code ns}. */
    static Identity pod(PolicyEngine engine, String ns, String... keyValues) {
        Map<String, String> labels = new HashMap<>();
        for (String kv : keyValues) {
            int eq = kv.indexOf('=');
            labels.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return engine.acquireIdentity(SecurityLabels.forPod(ns, labels, Map.of(), "default"));
    }

    /** An endpoint's entries as {@code "in 256 80/TCP allow"} lines. */
    static List<String> lines(PolicyEngine engine, int endpoint) {
        return lines(engine.entries(endpoint));
    }

    static List<String> lines(Map<PolicyKey, PolicyEntry> entries) {
        return new TreeMap<>(entries).entrySet().stream().map(e -> line(e.getKey(), e.getValue().deny())).toList();
    }

    static String line(PolicyKey k, boolean deny) {
        return (k.direction() == Direction.INGRESS ? "in " : "out ") + k.identity() + " " + k.portProtocol()
                + (deny ? " deny" : " allow");
    }

    static PolicyLookup.Verdict verdict(PolicyEngine engine, int endpoint, int peer, Direction d, int proto, int port) {
        return PolicyLookup.lookup(engine.entries(endpoint), peer, d, proto, port);
    }

    /** The rules behind the entry with {@code key}. */
    static List<RuleRef> rulesOf(PolicyEngine engine, int endpoint, PolicyKey key) {
        PolicyEntry e = engine.entries(endpoint).get(key);
        if (e == null) {
            throw new AssertionError("no entry " + key + " in " + lines(engine, endpoint));
        }
        return engine.attribution(e.cookie());
    }
}
