// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import dev.porin.k8s.Resource;
import dev.porin.k8s.ResourceParser;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Wraps a {@code spec} in a policy object (namespace {@code ns1}, name {@code p}) and parses it. */
final class Fixtures {

    static final String CNP = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata:\n  name: p\n"
            + "  namespace: ns1\nspec:\n";
    static final String CCNP = "apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata:\n"
            + "  name: p\nspec:\n";
    static final String KNP = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p\n"
            + "  namespace: ns1\nspec:\n";

    private Fixtures() {
    }

    static Rule cnp(String spec) {
        return rules(CNP + indent(spec)).getFirst();
    }

    static Rule ccnp(String spec) {
        return rules(CCNP + indent(spec)).getFirst();
    }

    static Rule knp(String spec) {
        return rules(KNP + indent(spec)).getFirst();
    }

    static List<Rule> rules(String yaml) {
        List<Resource> resources = ResourceParser.parse(yaml, "test.yaml");
        return ((Resource.PolicyResource) resources.getFirst()).rules();
    }

    /** The error a whole document gives. */
    static PolicyValidationException error(String yaml) {
        assertThatThrownBy(() -> ResourceParser.parse(yaml, "test.yaml")).isInstanceOf(PolicyValidationException.class);
        return catchThrowableOfType(PolicyValidationException.class, () -> ResourceParser.parse(yaml, "test.yaml"));
    }

    static PolicyValidationException cnpError(String spec) {
        return error(CNP + indent(spec));
    }

    static PolicyValidationException ccnpError(String spec) {
        return error(CCNP + indent(spec));
    }

    static PolicyValidationException knpError(String spec) {
        return error(KNP + indent(spec));
    }

    private static String indent(String spec) {
        return spec.lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n");
    }
}
