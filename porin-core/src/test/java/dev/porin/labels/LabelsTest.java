// SPDX-License-Identifier: Apache-2.0
package dev.porin.labels;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LabelsTest {

    @Test
    void equalSetsAreEqualWhateverTheOrderTheyWereBuiltIn() {
        Labels a = Labels.of(Label.k8s("app", "web"), Label.k8s("role", "fe"), Label.reserved("host"));
        Labels b = Labels.of(Label.reserved("host"), Label.k8s("role", "fe"), Label.k8s("app", "web"));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).hasToString(b.toString());
        assertThat(a.strings()).containsExactly("k8s:app=web", "k8s:role=fe", "reserved:host");
    }

    @Test
    void parseAndPrintRoundTrip() {
        Labels l = Labels.parse(List.of("k8s:role=fe", "app=web", "reserved:world"), Label.SOURCE_K8S);
        assertThat(l.strings()).containsExactly("k8s:app=web", "k8s:role=fe", "reserved:world");
        assertThat(Labels.parse(l.strings(), Label.SOURCE_UNSPEC)).isEqualTo(l);
    }

    @Test
    void oneValuePerSourceAndKeyTheLastWins() {
        Labels l = Labels.of(Label.k8s("app", "a"), Label.k8s("app", "b"));
        assertThat(l.size()).isEqualTo(1);
        assertThat(l.get("k8s", "app")).contains(Label.k8s("app", "b"));
        assertThat(l.with(Label.k8s("app", "c")).get("k8s", "app")).contains(Label.k8s("app", "c"));
    }

    @Test
    void sameKeyFromDifferentSourcesAreDistinctLabels() {
        Labels l = Labels.of(Label.k8s("app", "a"), new Label("container", "app", "b"));
        assertThat(l.size()).isEqualTo(2);
        assertThat(l.get("k8s", "app")).contains(Label.k8s("app", "a"));
        assertThat(l.get("container", "app")).contains(new Label("container", "app", "b"));
        assertThat(l.get(Label.SOURCE_ANY, "app")).isPresent();
    }

    @Test
    void getWithAnySourceFindsTheKeyFromAnySourceButSourcedGetDoesNot() {
        Labels l = Labels.of(Label.k8s("app", "web"));
        assertThat(l.get(Label.SOURCE_ANY, "app")).contains(Label.k8s("app", "web"));
        assertThat(l.get("container", "app")).isEmpty();
        assertThat(l.get(Label.SOURCE_ANY, "role")).isEmpty();
    }

    @Test
    void hasComparesTheValue() {
        Labels l = Labels.of(Label.k8s("app", "web"), Label.reserved("host"));
        assertThat(l.has(Label.k8s("app", "web"))).isTrue();
        assertThat(l.has(Label.k8s("app", "db"))).isFalse();
        assertThat(l.has(new Label(Label.SOURCE_ANY, "app", "web"))).isTrue();
        assertThat(l.has(Label.reserved("host"))).isTrue();
        assertThat(l.hasSource(Label.SOURCE_RESERVED)).isTrue();
        assertThat(l.hasSource(Label.SOURCE_CIDR)).isFalse();
    }

    @Test
    void withAndWithoutLeaveTheOriginalUntouched() {
        Labels l = Labels.of(Label.k8s("app", "web"));
        Labels more = l.with(Label.k8s("role", "fe"));
        Labels less = more.without("k8s", "app");
        assertThat(l.strings()).containsExactly("k8s:app=web");
        assertThat(more.strings()).containsExactly("k8s:app=web", "k8s:role=fe");
        assertThat(less.strings()).containsExactly("k8s:role=fe");
        assertThat(l.with(Labels.of(Label.k8s("app", "db"), Label.reserved("host"))).strings())
                .containsExactly("k8s:app=db", "reserved:host");
    }

    @Test
    void emptySet() {
        assertThat(Labels.EMPTY.isEmpty()).isTrue();
        assertThat(Labels.of()).isEqualTo(Labels.EMPTY);
        assertThat(Labels.EMPTY).hasToString("[]");
    }
}
