// SPDX-License-Identifier: Apache-2.0
package dev.porin.labels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelTest {

    @ParameterizedTest(name = "{0} -> source={1} key={2} value={3}")
    @CsvSource(delimiter = '|', nullValues = "null", emptyValue = "", textBlock = """
            k8s:app=web                                                 | k8s      | app                                           | web
            app=web                                                     | unspec   | app                                           | web
            reserved:host                                               | reserved | host                                          | ''
            k8s:app.kubernetes.io/name=db                               | k8s      | app.kubernetes.io/name                        | db
            k8s:io.kubernetes.pod.namespace=prod                        | k8s      | io.kubernetes.pod.namespace                   | prod
            k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=prod | k8s | io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name | prod
            k8s:image=registry:5000/app                                 | k8s      | image                                         | registry:5000/app
            image=registry:5000/app                                     | unspec   | image                                         | registry:5000/app
            k8s:expr=a=b                                                | k8s      | expr                                          | a=b
            cidr:10.0.0.0/8                                             | cidr     | 10.0.0.0/8                                    | ''
            k8s:flag=                                                   | k8s      | flag                                          | ''
            """)
    void parsesSourceKeyAndValue(String text, String source, String key, String value) {
        Label l = Label.parse(text, Label.SOURCE_UNSPEC);
        assertThat(l.source()).isEqualTo(source);
        assertThat(l.key()).isEqualTo(key);
        assertThat(l.value()).isEqualTo(value);
    }

    @Test
    void aLabelWithoutSourceTakesTheDefaultSource() {
        assertThat(Label.parse("app=web", Label.SOURCE_K8S)).isEqualTo(Label.k8s("app", "web"));
    }

    @ParameterizedTest
    @CsvSource({"k8s:app=web", "reserved:host", "k8s:app.kubernetes.io/name=db", "k8s:image=registry:5000/app",
            "cidr:10.1.0.0/16", "k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=prod"})
    void printsAndParsesBackToTheSameLabel(String text) {
        Label l = Label.parse(text, Label.SOURCE_UNSPEC);
        assertThat(l).hasToString(text);
        assertThat(Label.parse(l.toString(), Label.SOURCE_UNSPEC)).isEqualTo(l);
    }

    @Test
    void aKeyOnlyLabelPrintsWithoutEqualsSign() {
        assertThat(Label.reserved("world")).hasToString("reserved:world");
        assertThat(Label.k8s("flag", null)).hasToString("k8s:flag");
        assertThat(Label.k8s("flag", null).value()).isEmpty();
    }

    @Test
    void aLabelNeedsAKey() {
        assertThatThrownBy(() -> Label.parse("k8s:=web", Label.SOURCE_UNSPEC)).hasMessageContaining("k8s:=web");
        assertThatThrownBy(() -> Label.parse("=web", Label.SOURCE_UNSPEC)).hasMessageContaining("=web");
        assertThatThrownBy(() -> new Label("k8s", "", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anySourceSelectorLabelMatchesTheKeyFromEverySource() {
        Label any = new Label(Label.SOURCE_ANY, "app", "");
        assertThat(any.matchesKeyOf(Label.k8s("app", "web"))).isTrue();
        assertThat(any.matchesKeyOf(new Label("container", "app", "web"))).isTrue();
        assertThat(any.matchesKeyOf(Label.k8s("role", "web"))).isFalse();
    }

    @Test
    void sourcedSelectorLabelMatchesOnlyItsOwnSource() {
        Label k8s = new Label(Label.SOURCE_K8S, "app", "");
        assertThat(k8s.matchesKeyOf(Label.k8s("app", "web"))).isTrue();
        assertThat(k8s.matchesKeyOf(new Label("container", "app", "web"))).isFalse();
        // the inverse of any-source matching does not hold
        assertThat(k8s.matchesKeyOf(new Label(Label.SOURCE_ANY, "app", ""))).isFalse();
    }

    @Test
    void labelsOrderBySourceThenKeyThenValue() {
        assertThat(Label.k8s("b", "1")).isGreaterThan(Label.k8s("a", "9"));
        assertThat(Label.k8s("a", "2")).isGreaterThan(Label.k8s("a", "1"));
        assertThat(Label.reserved("a")).isGreaterThan(Label.k8s("z", "z"));
    }
}
