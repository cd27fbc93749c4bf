// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.policy;

import dev.porin.api.v1.TraceModel;
import dev.porin.api.v1.TraceRequest;
import dev.porin.endpoint.Endpoint;
import dev.porin.identity.Identity;
import dev.porin.identity.IdentityAllocator;
import dev.porin.identity.ReservedIdentities;
import dev.porin.identity.SecurityLabels;
import dev.porin.labels.Label;
import dev.porin.labels.Labels;
import dev.porin.net.Ipv4Prefix;
import dev.porin.policy.BuiltinRules;
import dev.porin.policy.NamedPort;
import dev.porin.policy.PolicyTracer;
import dev.porin.policy.api.Protocol;
import dev.porin.policy.api.RuleRef;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code porin policy trace}: resolves who the source and destination are, and asks the tracer. */
public final class PolicyTraces {

    /** A side of the trace: its labels, whether it is an endpoint on this node, and its named ports. */
    private record Party(String name, Labels labels, boolean local, List<NamedPort> ports) {
    }

    private PolicyTraces() {
    }

    public static TraceModel trace(PolicyManager policy, TraceRequest req) {
        if (req.source() == null || req.destination() == null) {
            throw new IllegalArgumentException("a trace needs a source and a destination");
        }
        int[] port = port(req.dport());
        return policy.read(() -> {
            Party src = party(policy, req.source());
            Party dst = party(policy, req.destination());
            PolicyTracer.Trace t = PolicyTracer.trace(policy.engine().policies(), List.of(BuiltinRules.allowLocalhost()),
                    src.labels(), src.ports(), src.local(), dst.labels(), dst.ports(), dst.local(), port[0], port[1]);
            return new TraceModel(src.name(), src.labels().strings(), dst.name(), dst.labels().strings(),
                    req.dport() == null || req.dport().isBlank() ? "ANY" : req.dport(), side(t.egress()),
                    side(t.ingress()), t.allowed());
        });
    }

    private static TraceModel.Side side(PolicyTracer.Side s) {
        String verdict;
        if (!s.enforced()) {
            verdict = "not enforced";
        } else if (s.verdict().allowed()) {
            verdict = "allowed";
        } else if (s.verdict().explicitDeny()) {
            verdict = "denied by rule";
        } else {
            verdict = "denied (no rule allows it)";
        }
        return new TraceModel.Side(s.direction().title(), verdict, s.verdict().match().text(),
                s.rules().stream().map(RuleRef::toString).toList(),
                s.defaultDenyBy().stream().map(Object::toString).toList());
    }

    /** {@code 80/TCP}, {@code 53/udp}, {@code 8/ICMP}, {@code 80} (TCP) or empty (any TCP port 0). */
    static int[] port(String text) {
        if (text == null || text.isBlank()) {
            return new int[] {Protocol.TCP.number(), 0};
        }
        String[] parts = text.split("/", 2);
        Protocol proto = parts.length == 2 ? Protocol.parse(parts[1]) : Protocol.TCP;
        if (proto == Protocol.ANY) {
            proto = Protocol.TCP;
        }
        try {
            int p = Integer.parseInt(parts[0]);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return new int[] {proto.number(), p};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("dport: '" + text + "' is not PORT[/PROTOCOL], e.g. 80/TCP");
        }
    }

    private static Party party(PolicyManager policy, String spec) {
        String s = spec.strip();
        if (s.matches("\\d+")) {
            int id = Integer.parseInt(s);
            Endpoint ep = policy.endpoint(id).orElseThrow(() -> new IllegalArgumentException("no endpoint " + id));
            return endpointParty("endpoint " + id, policy, ep);
        }
        if (s.equals("reserved:world") || s.equals("world")) {
            return new Party("world", ReservedIdentities.get(Identity.WORLD).labels(), false, List.of());
        }
        if (s.equals("reserved:host") || s.equals("host")) {
            return new Party("host", ReservedIdentities.get(Identity.HOST).labels(), false, List.of());
        }
        if (s.matches("\\d+\\.\\d+\\.\\d+\\.\\d+(/\\d+)?")) {
            Ipv4Prefix p = Ipv4Prefix.parse(s.contains("/") ? s : s + "/32");
            return new Party(s, IdentityAllocator.cidrLabels(p), false, List.of());
        }
        if (!s.contains("=") && !s.contains(":")) {
            String ns = s.contains("/") ? s.substring(0, s.indexOf('/')) : "default";
            String name = s.contains("/") ? s.substring(s.indexOf('/') + 1) : s;
            Optional<Endpoint> ep = policy.endpointOfPod(ns, name);
            if (ep.isPresent()) {
                return endpointParty("pod " + ns + "/" + name, policy, ep.get());
            }
            Optional<PolicyManager.PodView> pod = policy.podObject(ns, name);
            if (pod.isPresent()) {
                return new Party("pod " + ns + "/" + name, pod.get().labels(), true, pod.get().ports());
            }
            throw new IllegalArgumentException("no pod " + ns + "/" + name + " (no endpoint and no Pod object)");
        }
        return new Party("labels", labels(s), true, List.of());
    }

    private static Party endpointParty(String name, PolicyManager policy, Endpoint ep) {
        return new Party(name, policy.securityLabels(ep), true, policy.namedPorts(ep));
    }

    /**
     * Labels a user wrote ({@code app=web,k8s:tier=db}); keys without a source are k8s labels. A pod's
     * implicit labels are filled in: namespace {@code default} unless given, and the cluster.
     */
    static Labels labels(String text) {
        List<Label> list = new ArrayList<>();
        for (String l : text.split(",")) {
            if (!l.isBlank()) {
                list.add(Label.parse(l.strip(), Label.SOURCE_K8S));
            }
        }
        Labels labels = Labels.of(list);
        if (labels.get(Label.SOURCE_ANY, SecurityLabels.NAMESPACE).isEmpty() && !labels.hasSource(Label.SOURCE_RESERVED)) {
            labels = labels.with(Label.k8s(SecurityLabels.NAMESPACE, "default"))
                    .with(Label.k8s(SecurityLabels.NAMESPACE_LABEL_PREFIX + "kubernetes.io/metadata.name", "default"));
        }
        if (labels.get(Label.SOURCE_ANY, SecurityLabels.CLUSTER).isEmpty() && !labels.hasSource(Label.SOURCE_RESERVED)) {
            labels = labels.with(Label.k8s(SecurityLabels.CLUSTER, SecurityLabels.DEFAULT_CLUSTER));
        }
        return labels;
    }
}
