// SPDX-License-Identifier: Apache-2.0
package dev.porin.k8s;

import dev.porin.k8s.Resource.PolicyResource;
import dev.porin.policy.api.Entity;
import dev.porin.policy.api.IcmpField;
import dev.porin.policy.api.L7Rules;
import dev.porin.policy.api.Peer;
import dev.porin.policy.api.PeerRule;
import dev.porin.policy.api.PolicyValidationException;
import dev.porin.policy.api.PortProtocol;
import dev.porin.policy.api.Protocol;
import dev.porin.policy.api.Rule;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

/**
 * The shared compatibility corpus (Cilium's connectivity-test policies and documented examples): every
 * policy file must parse, except the ones listed as refused on purpose, and a sample of translations is
 * checked field by field.
 */
class CompatCorpusTest {

    /** {@code shared/compat} beside the repository; the working directory is the module directory. */
    private static final Path CORPUS = Path.of("..", "..", "shared", "compat");

    private static final String CIDR_GROUP_V2ALPHA1 = "CiliumCIDRGroup (cilium.io/v2alpha1) is not a kind Porin handles";
    private static final String CIDR_GROUP_V2 = "CiliumCIDRGroup (cilium.io/v2) is not a kind Porin handles";

    /**
     * Files refused on purpose, with the start of the reason. The CIDR-group cases create a CiliumCIDRGroup
     * object, a kind Porin does not handle (their policies' cidrGroupRef/cidrGroupSelector would be refused
     * too).
     */
    private static final Map<String, String> EXPECTED_REFUSALS = Map.of(
            "cilium-connectivity/42-client-egress-to-cidrgroup-deny/policy.yaml", CIDR_GROUP_V2ALPHA1,
            "cilium-connectivity/42-client-egress-to-cidrgroup-deny/policy.alt-v2.yaml", CIDR_GROUP_V2,
            "cilium-connectivity/43-client-egress-to-cidrgroup-deny-by-label/policy.yaml", CIDR_GROUP_V2ALPHA1,
            "cilium-connectivity/43-client-egress-to-cidrgroup-deny-by-label/policy.alt-v2.yaml", CIDR_GROUP_V2);

    private static Path corpus() {
        if (!Files.isDirectory(CORPUS)) {
            fail("The compatibility corpus is missing: expected " + CORPUS.toAbsolutePath().normalize()
                    + " (the shared/compat folder beside the repository, which CI always checks out)");
        }
        return CORPUS;
    }

    private static List<String> policyFiles() {
        Path root = corpus();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.getParent().getParent() != null
                            && List.of("cilium-connectivity", "cilium-examples")
                            .contains(f.getParent().getParent().getFileName().toString()))
                    .filter(f -> f.getFileName().toString().matches("policy\\.yaml|step[0-9]+-policy\\.yaml|"
                            + "policy\\.alt-v2\\.yaml"))
                    .map(f -> root.relativize(f).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Resource> parse(String relative) {
        try {
            return ResourceParser.parse(Files.readString(corpus().resolve(relative)), relative);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rules of the first policy named {@code name} in a corpus file. */
    private static List<Rule> rules(String relative, String name) {
        return parse(relative).stream()
                .filter(r -> r instanceof PolicyResource && r.key().name().equals(name))
                .map(r -> ((PolicyResource) r).rules())
                .findFirst().orElseThrow(() -> new AssertionError("no policy " + name + " in " + relative));
    }

    private static Rule rule(String relative, String name) {
        return rules(relative, name).getFirst();
    }

    private static String selector(PeerRule element) {
        return ((Peer.Endpoints) element.peers().getFirst()).selector().toString();
    }

    @Test
    void theCorpusHoldsWhatThisTestExpects() {
        List<String> files = policyFiles();
        assertThat(files).hasSizeGreaterThan(110).containsAll(EXPECTED_REFUSALS.keySet())
                .contains("cilium-examples/49-starwars-l7-http/step1-policy.yaml");
    }

    @TestFactory
    Stream<DynamicTest> everyPolicyFileParsesUnlessRefusedOnPurpose() {
        return policyFiles().stream().map(file -> DynamicTest.dynamicTest(file, () -> {
            String refusal = EXPECTED_REFUSALS.get(file);
            if (refusal == null) {
                assertThat(parse(file)).as(file).isNotNull();
            } else {
                var e = catchThrowableOfType(PolicyValidationException.class, () -> parse(file));
                assertThat(e).as(file + " should be refused").isNotNull();
                assertThat(e.field()).isEqualTo("kind");
                assertThat(e.reason()).startsWith(refusal);
            }
        }));
    }

    @Test
    void networkPolicyTypes() {
        Rule ingressDeny = rule("cilium-connectivity/06-all-ingress-deny-knp/policy.yaml", "all-ingress-deny");
        assertThat(ingressDeny.defaultDenyIngress()).isTrue();
        assertThat(ingressDeny.defaultDenyEgress()).isFalse();
        assertThat(ingressDeny.ingress()).isEmpty();

        Rule egressDeny = rule("cilium-connectivity/08-all-egress-deny-knp/policy.yaml", "all-egress-deny");
        assertThat(egressDeny.defaultDenyIngress()).isFalse();
        assertThat(egressDeny.defaultDenyEgress()).isTrue();

        Rule egressOnly = rule("cilium-connectivity/20-client-egress-expression-knp/policy.yaml",
                "client-egress-to-echo-expression");
        assertThat(egressOnly.defaultDenyIngress()).isFalse();
        assertThat(egressOnly.egress()).hasSize(1);
        assertThat(egressOnly.endpointSelector())
                .hasToString("{k8s:io.kubernetes.pod.namespace=cilium-test,k8s:other}");

        Rule implicit = rule("cilium-connectivity/17-client-egress-knp/policy.yaml", "client-egress-to-echo");
        assertThat(implicit.defaultDenyIngress()).isTrue();
        assertThat(implicit.defaultDenyEgress()).isTrue();
        assertThat(implicit.egress()).hasSize(3);
        assertThat(selector(implicit.egress().getFirst())).isEqualTo(
                "{k8s:io.cilium.k8s.policy.cluster,k8s:io.kubernetes.pod.namespace=cilium-test,k8s:kind=echo}");
        assertThat(implicit.egress().get(1).ports().getFirst().ports())
                .containsExactly(PortProtocol.number(53, Protocol.TCP));
        assertThat(implicit.egress().get(2).anyPeer()).isTrue();
    }

    @Test
    void ciliumNamespaceScoping() {
        Rule client = rule("cilium-connectivity/03-client-ingress/policy.yaml", "client-ingress-from-client2");
        assertThat(client.endpointSelector()).hasToString("{any:kind=client,k8s:io.kubernetes.pod.namespace=cilium-test}");
        assertThat(selector(client.ingress().getFirst())).isEqualTo(
                "{any:io.cilium.k8s.policy.cluster,any:other=client,k8s:io.kubernetes.pod.namespace=cilium-test}");

        Rule egress = rule("cilium-connectivity/16-client-egress/policy.yaml", "client-egress-to-echo");
        assertThat(selector(egress.egress().get(1))).isEqualTo("{any:io.kubernetes.pod.namespace=kube-system,"
                + "any:k8s-app in (coredns,kube-dns,node-local-dns,nodelocaldns)}");

        Rule across = rule("cilium-examples/40-k8s-expose-across-namespace/policy.yaml", "k8s-expose-across-namespace");
        assertThat(across.endpointSelector()).hasToString("{any:name=leia,k8s:io.kubernetes.pod.namespace=ns1}");
        assertThat(selector(across.ingress().getFirst())).isEqualTo("{any:name=luke,k8s:io.kubernetes.pod.namespace=ns2}");

        List<Resource> isolate = parse("cilium-examples/39-k8s-isolate-namespaces/policy.yaml");
        assertThat(isolate).extracting(r -> selector(((PolicyResource) r).rules().getFirst().ingress().getFirst()))
                .containsExactly("{k8s:io.kubernetes.pod.namespace=ns1}", "{k8s:io.kubernetes.pod.namespace=ns2}");
    }

    @Test
    void clusterwideScoping() {
        Rule wildcard = rule("cilium-examples/45-ccnp-wildcard-to-kubedns/policy.yaml", "wildcard-from-endpoints");
        assertThat(selector(wildcard.ingress().getFirst())).isEqualTo("{k8s:io.kubernetes.pod.namespace}");

        Rule init = rule("cilium-examples/29-ccnp-init-identity/policy.yaml", "init");
        assertThat(init.endpointSelector()).hasToString("{reserved:init=}");
        assertThat(init.egress().getFirst().anyPeer()).isTrue();
        assertThat(init.ingress().getFirst().peers()).containsExactly(new Peer.EntityPeer(Entity.HOST));

        Rule explicit = rule("cilium-connectivity/59-ingress-from-specific-namespace-ccnp/policy.yaml",
                "allow-ingress-specific-namespace-ccnp");
        assertThat(selector(explicit.ingress().getFirst()))
                .isEqualTo("{any:io.kubernetes.pod.namespace=cilium-test-ccnp2}");
    }

    @Test
    void denyOnlyPoliciesStillMakeTheirDirectionDefaultDeny() {
        Rule r = rule("cilium-connectivity/44-client-egress-to-cidr-deny-default/policy.yaml",
                "client-egress-to-cidr-deny");
        assertThat(r.defaultDenyEgress()).isTrue();
        assertThat(r.defaultDenyIngress()).isFalse();
        assertThat(r.egress()).isEmpty();
        assertThat(r.egressDeny()).extracting(e -> e.peers().getFirst()).containsExactly(
                new Peer.Cidr("1.0.0.0/8", List.of("1.1.1.1/32")),
                new Peer.Cidr("2606:4700:4700::/96", List.of("2606:4700:4700::1111/128")));

        Rule all = rule("cilium-connectivity/09-all-entities-deny/policy.yaml", "all-entities-deny");
        assertThat(all.egressDeny().getFirst().anyPeer()).isTrue();
        assertThat(all.defaultDenyEgress()).isTrue();
    }

    @Test
    void portRangesAndNamedPorts() {
        Rule cnp = rule("cilium-connectivity/19-client-egress-expression-port-range/policy.yaml",
                "client-egress-to-echo-expression-port-range");
        assertThat(cnp.egress().getFirst().ports().getFirst().ports())
                .containsExactly(new PortProtocol(4196, 8191, null, Protocol.TCP));
        Rule knp = rule("cilium-connectivity/21-client-egress-expression-knp-port-range/policy.yaml",
                "client-egress-to-echo-expression-port-range");
        assertThat(knp.egress().getFirst().ports().getFirst().ports())
                .containsExactly(new PortProtocol(4096, 8191, null, Protocol.TCP));

        Rule named = rule("cilium-connectivity/46-echo-ingress-l7-named-port/policy.yaml",
                "echo-ingress-l7-http-named-port");
        var portRule = named.ingress().getFirst().ports().getFirst();
        assertThat(portRule.ports()).containsExactly(new PortProtocol(0, 0, "http-8080", Protocol.TCP));
        assertThat(((L7Rules.Http) portRule.rules()).rules()).hasSize(3);
    }

    @Test
    void icmpAndCidrExceptions() {
        Rule icmp = rule("cilium-connectivity/15-client-ingress-icmp/policy.yaml", "client-ingress-from-client2-icmp");
        assertThat(icmp.ingress().getFirst().icmps()).containsExactly(new IcmpField(false, 8), new IcmpField(true, 128));
        Rule icmpDeny = rule("cilium-connectivity/31-client-ingress-from-other-client-icmp-deny/policy.yaml",
                "client-ingress-from-other-client-icmp-deny");
        assertThat(icmpDeny.ingressDeny().getFirst().icmps()).hasSize(2);

        var expected = List.of(new Peer.Cidr("1.0.0.0/8", List.of("1.0.0.1/32")),
                new Peer.Cidr("2606:4700:4700::/96", List.of("2606:4700:4700::1001/128")));
        assertThat(rule("cilium-connectivity/28-to-cidr-external/policy.yaml", "client-egress-to-cidr")
                .egress().getFirst().peers()).isEqualTo(expected);
        assertThat(rule("cilium-connectivity/29-to-cidr-external-knp/policy.yaml", "client-egress-to-cidr")
                .egress().getFirst().peers()).isEqualTo(expected);
    }

    @Test
    void specsRequiresAndLowerCaseOperators() {
        List<Rule> multi = rules("cilium-examples/34-l7-http-multi-spec/policy.yaml", "fancyrule");
        assertThat(multi).extracting(Rule::index).containsExactly(0, 1);
        assertThat(multi.get(1).egress().getFirst().anyPeer()).isTrue();

        Rule requires = rule("cilium-examples/07-l3-from-requires/policy.yaml", "requires-rule");
        assertThat(requires.ingress().getFirst().anyPeer()).isFalse();
        assertThat(requires.ingress().getFirst().peers()).isEmpty();
        assertThat(requires.defaultDenyIngress()).isTrue();

        Rule and = rule("cilium-examples/21-l3-match-expressions-and/policy.yaml", "and-statement-policy");
        assertThat(selector(and.ingress().getFirst())).isEqualTo(
                "{k8s:cilium.example.com/policy=strict,k8s:io.kubernetes.pod.namespace=production}");

        Rule sni = rule("cilium-connectivity/57-client-egress-tls-sni/policy.yaml", "client-egress-tls-sni");
        assertThat(sni.description()).isEqualTo("TLS SNI policy");
        assertThat(sni.egress().getFirst().ports().getFirst().serverNames()).containsExactly("one.one.one.one");
    }
}
