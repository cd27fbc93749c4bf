// SPDX-License-Identifier: Apache-2.0
package dev.porin.bench;

import dev.porin.identity.SecurityLabels;
import dev.porin.labels.LabelSelector;
import dev.porin.labels.Labels;
import dev.porin.policy.api.Peer;
import dev.porin.policy.api.PeerRule;
import dev.porin.policy.api.PolicyKind;
import dev.porin.policy.api.PolicyOrigin;
import dev.porin.policy.api.PortProtocol;
import dev.porin.policy.api.PortRule;
import dev.porin.policy.api.Protocol;
import dev.porin.policy.api.Rule;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Rules, selectors and pod labels as the policy parser and the agent produce them. */
final class PolicyFixtures {

    static final String NS = "bench";

    private PolicyFixtures() {
    }

    static PolicyOrigin cnp(String name) {
        return new PolicyOrigin(PolicyKind.CILIUM_NETWORK_POLICY, NS, name);
    }

    /** A pod's security labels in the benchmark's namespace. */
    static Labels pod(Map<String, String> labels) {
        return SecurityLabels.forPod(NS, labels, Map.of("team", "bench"), "default");
    }

    /** {@code matchLabels} in the policy's namespace, as the parser scopes a namespaced policy's selectors. */
    static LabelSelector pods(String key, String value) {
        return new LabelSelector(List.of(
                LabelSelector.Requirement.of("k8s:" + SecurityLabels.NAMESPACE, LabelSelector.Operator.IN, List.of(NS)),
                LabelSelector.Requirement.of("k8s:" + key, LabelSelector.Operator.IN, List.of(value))));
    }

    static PeerRule from(Peer peer, int... tcpPorts) {
        List<PortProtocol> ports = new ArrayList<>();
        for (int p : tcpPorts) {
            ports.add(PortProtocol.number(p, Protocol.TCP));
        }
        return new PeerRule(false, List.of(peer), List.of(new PortRule(ports, null, List.of())), List.of());
    }

    /** An ingress-only rule: default deny for ingress, as the parser sets it when ingress is present. */
    static Rule ingress(PolicyOrigin origin, int index, LabelSelector subjects, PeerRule element) {
        return new Rule(origin, index, subjects, List.of(element), List.of(), List.of(), List.of(), true, false, null);
    }
}
