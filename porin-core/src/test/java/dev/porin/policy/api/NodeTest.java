// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import org.junit.jupiter.api.Test;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class NodeTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    private static Node root(String yaml) {
        return Node.root(YAML.readTree(yaml), "doc");
    }

    @Test
    void pathsFollowFieldsIndexesAndKeys() {
        Node root = root("spec: {ingress: [{a: 1}, {matchLabels: {app.kubernetes.io/name: x}}]}");
        Node second = root.get("spec").get("ingress").list().get(1);
        assertThat(root.path()).isEmpty();
        assertThat(second.path()).isEqualTo("spec.ingress[1]");
        assertThat(second.get("matchLabels").entries().get("app.kubernetes.io/name").path())
                .isEqualTo("spec.ingress[1].matchLabels[\"app.kubernetes.io/name\"]");
        assertThat(second.document()).isEqualTo("doc");
        assertThat(root.error("bad").field()).isEqualTo("(document)");
    }

    @Test
    void nullCountsAsAbsent() {
        Node root = root("a: null\nc: []\n");
        assertThat(root.get("a").isAbsent()).isTrue();
        assertThat(root.get("missing").isAbsent()).isTrue();
        assertThat(root.get("a").list()).isEmpty();
        assertThat(root.get("a").string("dflt")).isEqualTo("dflt");
        assertThat(root.get("c").isPresent()).isTrue();
        assertThat(root.get("c").list()).isEmpty();
        var e = catchThrowableOfType(PolicyValidationException.class, () -> root.get("a").string());
        assertThat(e.field()).isEqualTo("a");
        assertThat(e.reason()).isEqualTo("is required");
    }

    @Test
    void typesAreChecked() {
        Node root = root("s: text\nn: 7\nb: true\nm: {k: v}\n");
        assertThat(root.get("s").string()).isEqualTo("text");
        assertThat(root.get("n").integer()).isEqualTo(7);
        assertThat(root.get("b").bool()).isTrue();
        assertThat(root.get("m").stringMap()).isEqualTo(Map.of("k", "v"));
        assertThatThrownBy(() -> root.get("n").string()).hasMessage("doc: n: must be a string, not the number 7");
        assertThatThrownBy(() -> root.get("s").integer())
                .hasMessage("doc: s: must be an integer, not the string \"text\"");
        assertThatThrownBy(() -> root.get("m").list()).hasMessage("doc: m: must be a list, not a mapping");
        assertThatThrownBy(() -> root.get("s").bool()).hasMessage("doc: s: must be true or false, not the string \"text\"");
    }

    @Test
    void unknownFieldsAreRefusedWithTheExpectedOnesOrAHint() {
        Node root = root("known: 1\nextra: 2\n");
        assertThatThrownBy(() -> root.object(List.of("known")))
                .hasMessage("doc: extra: unknown field \"extra\"; expected one of known");
        assertThatThrownBy(() -> root.object(List.of("known"), Map.of("extra", "extra goes elsewhere")))
                .hasMessage("doc: extra: extra goes elsewhere");
        assertThat(root.object(List.of("known", "extra"))).isSameAs(root);
    }
}
