// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import dev.porin.labels.LabelSelector;
import dev.porin.labels.LabelSelector.Operator;
import dev.porin.labels.LabelSelector.Requirement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy ({@code cilium.io/v2}) into {@link Rule}s.
 *
 * <p>The object holds one rule in {@code spec} and/or a list in {@code specs}; rule indexes count
 * {@code spec} first, then {@code specs} in order. Parsing is strict: a field outside Cilium's schema is an
 * error naming it. The only extras tolerated are {@code status} and a stray top-level {@code description},
 * which some upstream examples carry.
 *
 * <p>Namespace scoping is applied here, so that rules are ready to resolve: a CiliumNetworkPolicy's
 * subject selector is pinned to the policy's namespace and its peer endpoint selectors are scoped as
 * {@link CiliumElementParser.Scope} describes. {@code fromRequires}/{@code toRequires} selectors are AND-ed
 * into every endpoint selector of the same list of the same rule.
 *
 * <p>A {@code nodeSelector} rule (clusterwide only) is about nodes' host endpoints, which Porin does not
 * manage yet: it is validated in full and its subject selects nothing ({@link #SELECTS_NOTHING}).
 */
public final class CiliumPolicyParser {

    /** {@code reserved:host} both present and absent: the subject of a rule that selects no endpoint. */
    public static final LabelSelector SELECTS_NOTHING = new LabelSelector(List.of(
            Requirement.of("reserved:host", Operator.EXISTS, List.of()),
            Requirement.of("reserved:host", Operator.DOES_NOT_EXIST, List.of())));

    private static final List<String> DOCUMENT_FIELDS = List.of("apiVersion", "kind", "metadata", "spec", "specs",
            "status", "description");
    private static final List<String> RULE_FIELDS = List.of("endpointSelector", "nodeSelector", "ingress",
            "ingressDeny", "egress", "egressDeny", "labels", "description", "enableDefaultDeny", "log");
    private static final List<String> DEFAULT_DENY_FIELDS = List.of("ingress", "egress");
    private static final List<String> LABEL_FIELDS = List.of("key", "value", "source");

    private CiliumPolicyParser() {
    }

    /** The rules of a whole CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy object. */
    public static List<Rule> parse(Node document, PolicyOrigin origin) {
        document.object(DOCUMENT_FIELDS);
        document.get("description").string(null);
        Node spec = document.get("spec");
        Node specs = document.get("specs");
        List<Node> ruleNodes = new ArrayList<>();
        if (spec.isPresent()) {
            ruleNodes.add(spec);
        }
        ruleNodes.addAll(specs.list());
        if (ruleNodes.isEmpty()) {
            throw document.error("has no rules: give spec, or specs with at least one rule");
        }
        List<Rule> rules = new ArrayList<>();
        for (Node ruleNode : ruleNodes) {
            rules.add(rule(ruleNode, rules.size(), origin));
        }
        return rules;
    }

    private static Rule rule(Node node, int index, PolicyOrigin origin) {
        node.object(RULE_FIELDS);
        boolean namespaced = origin.kind().namespaced();
        Node endpointSelector = node.get("endpointSelector");
        Node nodeSelector = node.get("nodeSelector");
        if (endpointSelector.isPresent() && nodeSelector.isPresent()) {
            throw node.error("sets both endpointSelector and nodeSelector; a rule takes one of them");
        }
        if (endpointSelector.isAbsent() && nodeSelector.isAbsent()) {
            throw node.error(namespaced ? "needs an endpointSelector"
                    : "needs an endpointSelector or a nodeSelector");
        }
        if (nodeSelector.isPresent() && namespaced) {
            throw nodeSelector.error("is only allowed in a CiliumClusterwideNetworkPolicy");
        }
        LabelSelector subject;
        boolean selectsInit = false;
        if (endpointSelector.isPresent()) {
            LabelSelector asWritten = SelectorParser.cilium(endpointSelector);
            selectsInit = asWritten.requirements().stream()
                    .anyMatch(r -> r.source().equals("reserved") && r.key().equals("init"));
            subject = namespaced ? SelectorParser.cilium(endpointSelector,
                    Map.of("k8s:" + CiliumElementParser.NAMESPACE_KEY, origin.namespace())) : asWritten;
        } else {
            SelectorParser.cilium(nodeSelector);
            subject = SELECTS_NOTHING;
        }
        var scope = new CiliumElementParser.Scope(namespaced ? origin.namespace() : null, selectsInit,
                nodeSelector.isPresent());
        List<PeerRule> ingress = elements(node.get("ingress"), Direction.INGRESS, false, scope);
        List<PeerRule> ingressDeny = elements(node.get("ingressDeny"), Direction.INGRESS, true, scope);
        List<PeerRule> egress = elements(node.get("egress"), Direction.EGRESS, false, scope);
        List<PeerRule> egressDeny = elements(node.get("egressDeny"), Direction.EGRESS, true, scope);
        if (ingress.isEmpty() && ingressDeny.isEmpty() && egress.isEmpty() && egressDeny.isEmpty()) {
            throw node.error("needs at least one of ingress, ingressDeny, egress and egressDeny");
        }

        Node defaultDeny = node.get("enableDefaultDeny");
        if (defaultDeny.isPresent()) {
            defaultDeny.object(DEFAULT_DENY_FIELDS);
        }
        boolean denyIngress = !(ingress.isEmpty() && ingressDeny.isEmpty())
                && !Boolean.FALSE.equals(defaultDeny.get("ingress").bool());
        boolean denyEgress = !(egress.isEmpty() && egressDeny.isEmpty())
                && !Boolean.FALSE.equals(defaultDeny.get("egress").bool());
        labels(node.get("labels"));
        log(node.get("log"));
        return new Rule(origin, index, subject, ingress, ingressDeny, egress, egressDeny, denyIngress, denyEgress,
                node.get("description").string(null));
    }

    /** A list's elements, with the list's requires selectors folded into every endpoint selector. */
    private static List<PeerRule> elements(Node list, Direction direction, boolean deny,
                                           CiliumElementParser.Scope scope) {
        List<CiliumElementParser.Element> parsed = list.list().stream()
                .map(n -> CiliumElementParser.parse(n, direction, deny, scope)).toList();
        LabelSelector requirement = null;
        for (var e : parsed) {
            for (LabelSelector r : e.requires()) {
                requirement = requirement == null ? r : CiliumElementParser.and(requirement, r);
            }
        }
        List<PeerRule> out = new ArrayList<>();
        for (var e : parsed) {
            out.add(e.toPeerRule(requirement));
        }
        return out;
    }

    /** Rule labels ({@code [{key, value, source}]}): metadata only, checked and not kept. */
    private static void labels(Node labels) {
        for (Node label : labels.list()) {
            label.object(LABEL_FIELDS);
            if (label.get("key").string().isEmpty()) {
                throw label.get("key").error("must not be empty");
            }
            label.get("value").string(null);
            label.get("source").string(null);
        }
    }

    /** {@code log: {value}}: at most 32 printable characters, copied into flow logs by Cilium; not kept. */
    private static void log(Node log) {
        if (log.isAbsent()) {
            return;
        }
        log.object(List.of("value"));
        Node value = log.get("value");
        String text = value.string("");
        if (text.length() > 32 || text.chars().anyMatch(Character::isISOControl)) {
            throw value.error("must be at most 32 printable characters");
        }
    }
}
