// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import dev.porin.labels.Label;
import dev.porin.labels.LabelSelector;
import dev.porin.labels.LabelSelector.Operator;
import dev.porin.labels.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code kubectl -l} selector syntax Hubble's label filters use. */
class SelectorSyntaxTest {

    private static final Labels WEB = Labels.of(Label.k8s("app", "web"), Label.k8s("tier", "frontend"),
            Label.k8s("env", "prod"));
    private static final Labels CANARY = Labels.of(Label.k8s("app", "web"), Label.k8s("env", "qa"),
            Label.k8s("canary", ""));
    private static final Labels WORLD = Labels.of(Label.reserved("world"));

    private static boolean matches(String selector, Labels labels) {
        return SelectorSyntax.parse(selector).matches(labels);
    }

    @Test
    void equalityMatchesTheValueFromAnySource() {
        assertThat(matches("app=web", WEB)).isTrue();
        assertThat(matches("app==web", WEB)).isTrue();
        assertThat(matches("app=db", WEB)).isFalse();
        assertThat(matches("app=web", Labels.of(new Label("container", "app", "web")))).isTrue();
    }

    @Test
    void aSourcePrefixRestrictsTheSource() {
        assertThat(matches("k8s:app=web", WEB)).isTrue();
        assertThat(matches("container:app=web", WEB)).isFalse();
        assertThat(matches("reserved:world", WORLD)).isTrue();
        assertThat(matches("reserved:world", WEB)).isFalse();
        assertThat(matches("k8s:world", WORLD)).isFalse();
    }

    @Test
    void inequalityMatchesOtherValuesAndAbsence() {
        assertThat(matches("tier!=db", WEB)).isTrue();
        assertThat(matches("tier!=frontend", WEB)).isFalse();
        assertThat(matches("tier!=frontend", CANARY)).as("no tier at all").isTrue();
    }

    @Test
    void setsMatchAnyListedValue() {
        assertThat(matches("env in (prod,qa)", WEB)).isTrue();
        assertThat(matches("env in (prod, qa)", CANARY)).isTrue();
        assertThat(matches("env in (dev)", WEB)).isFalse();
        assertThat(matches("env notin (qa)", WEB)).isTrue();
        assertThat(matches("env notin (qa,dev)", CANARY)).isFalse();
    }

    @Test
    void aBareKeyMustExistAndABangKeyMustNot() {
        assertThat(matches("canary", CANARY)).isTrue();
        assertThat(matches("canary", WEB)).isFalse();
        assertThat(matches("!canary", WEB)).isTrue();
        assertThat(matches("!canary", CANARY)).isFalse();
        assertThat(matches("k8s:canary", CANARY)).isTrue();
    }

    @Test
    void requirementsSeparatedByCommasMustAllHold() {
        assertThat(matches("app=web,env in (prod,qa),!canary", WEB)).isTrue();
        assertThat(matches("app=web,env in (prod,qa),!canary", CANARY)).isFalse();
        assertThat(matches(" app = web , tier != db ", WEB)).as("spaces around words").isTrue();
    }

    @Test
    void requirementsComeOutAsTheyWereWritten() {
        LabelSelector s = SelectorSyntax.parse("k8s:app=web,env notin (a,b),!x,y");
        assertThat(s.requirements()).hasSize(4);
        var app = s.requirements().get(0);
        assertThat(app.source()).isEqualTo("k8s");
        assertThat(app.key()).isEqualTo("app");
        assertThat(app.operator()).isEqualTo(Operator.IN);
        assertThat(app.values()).containsExactly("web");
        var env = s.requirements().get(1);
        assertThat(env.source()).isEqualTo(Label.SOURCE_ANY);
        assertThat(env.operator()).isEqualTo(Operator.NOT_IN);
        assertThat(env.values()).containsExactly("a", "b");
        assertThat(s.requirements().get(2).operator()).isEqualTo(Operator.DOES_NOT_EXIST);
        assertThat(s.requirements().get(3).operator()).isEqualTo(Operator.EXISTS);
    }

    @Test
    void keysMayHaveDotsAndSlashes() {
        Labels l = Labels.of(Label.k8s("app.kubernetes.io/name", "db"), Label.k8s("io.kubernetes.pod.namespace", "prod"));
        assertThat(matches("app.kubernetes.io/name=db", l)).isTrue();
        assertThat(matches("k8s:io.kubernetes.pod.namespace=prod", l)).isTrue();
    }

    @Test
    void anEmptyValueMatchesAnEmptyLabel() {
        assertThat(matches("canary=", CANARY)).isTrue();
        assertThat(matches("canary=", WEB)).isFalse();
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", ",", "app=web,", "app=web,,tier=x", "env in prod", "env in (prod", "app web",
            "a b c d", "! ", "=web", "!=web", "k8s:=web",
            "env in ()", "a(b)=c"})
    void malformedSelectorsAreRejected(String selector) {
        assertThatThrownBy(() -> SelectorSyntax.parse(selector)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theErrorQuotesTheSelector() {
        assertThatThrownBy(() -> SelectorSyntax.parse("app=web,env in prod"))
                .hasMessageContaining("app=web,env in prod");
    }

    @Test
    void aSelectorMatchesThisNodesLabelsToo() {
        assertThat(SelectorSyntax.parse("topology.kubernetes.io/zone in (eu-1a,eu-1b)").matches(Fixtures.NODE.labels()))
                .isTrue();
        assertThat(SelectorSyntax.parse("kubernetes.io/hostname=node-2").matches(Fixtures.NODE.labels())).isFalse();
    }
}
