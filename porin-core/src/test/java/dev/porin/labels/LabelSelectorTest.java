// SPDX-License-Identifier: Apache-2.0
package dev.porin.labels;

import dev.porin.labels.LabelSelector.Operator;
import dev.porin.labels.LabelSelector.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static dev.porin.labels.LabelSelector.Operator.DOES_NOT_EXIST;
import static dev.porin.labels.LabelSelector.Operator.EXISTS;
import static dev.porin.labels.LabelSelector.Operator.IN;
import static dev.porin.labels.LabelSelector.Operator.NOT_IN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LabelSelectorTest {

    private static final Labels WEB = Labels.of(Label.k8s("app", "web"), Label.k8s("tier", "frontend"),
            Label.k8s("io.kubernetes.pod.namespace", "prod"));
    private static final Labels HOST = Labels.of(Label.reserved("host"));

    private static LabelSelector sel(Requirement... r) {
        return new LabelSelector(List.of(r));
    }

    @Test
    void emptySelectorMatchesEverything() {
        assertThat(LabelSelector.ALL.isEmpty()).isTrue();
        assertThat(LabelSelector.ALL.matches(WEB)).isTrue();
        assertThat(LabelSelector.ALL.matches(HOST)).isTrue();
        assertThat(LabelSelector.ALL.matches(Labels.EMPTY)).isTrue();
        assertThat(LabelSelector.of(Map.of(), List.of())).isEqualTo(LabelSelector.ALL);
    }

    @Test
    void keyWithoutSourceMatchesAnySource() {
        LabelSelector s = sel(Requirement.of("app", IN, List.of("web")));
        assertThat(s.matches(WEB)).isTrue();
        assertThat(s.matches(Labels.of(new Label("container", "app", "web")))).isTrue();
        assertThat(s.requirements().getFirst().source()).isEqualTo(Label.SOURCE_ANY);
    }

    @Test
    void k8sPrefixedKeyMatchesOnlyK8sLabels() {
        LabelSelector s = sel(Requirement.of("k8s:app", IN, List.of("web")));
        assertThat(s.matches(WEB)).isTrue();
        assertThat(s.matches(Labels.of(new Label("container", "app", "web")))).isFalse();
    }

    @Test
    void reservedKeySelectsReservedIdentityOnly() {
        LabelSelector s = sel(Requirement.of("reserved:host", EXISTS, List.of()));
        assertThat(s.matches(HOST)).isTrue();
        assertThat(s.matches(WEB)).isFalse();
        assertThat(s.matches(Labels.of(Label.k8s("host", "")))).isFalse();
    }

    @Test
    void keysWithDotsAndSlashesKeepThem() {
        Requirement r = Requirement.of("k8s:app.kubernetes.io/name", IN, List.of("db"));
        assertThat(r.source()).isEqualTo("k8s");
        assertThat(r.key()).isEqualTo("app.kubernetes.io/name");
        assertThat(sel(r).matches(Labels.of(Label.k8s("app.kubernetes.io/name", "db")))).isTrue();
        Requirement any = Requirement.of("io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name", IN, List.of("prod"));
        assertThat(any.source()).isEqualTo(Label.SOURCE_ANY);
        assertThat(any.key()).isEqualTo("io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name");
    }

    @Test
    void inMatchesAnyListedValueAndNeedsTheKey() {
        LabelSelector s = sel(Requirement.of("app", IN, List.of("db", "web")));
        assertThat(s.matches(WEB)).isTrue();
        assertThat(s.matches(Labels.of(Label.k8s("app", "db")))).isTrue();
        assertThat(s.matches(Labels.of(Label.k8s("app", "cache")))).isFalse();
        assertThat(s.matches(Labels.of(Label.k8s("role", "web")))).isFalse();
    }

    @Test
    void notInMatchesOtherValuesAndAnAbsentKey() {
        LabelSelector s = sel(Requirement.of("app", NOT_IN, List.of("db")));
        assertThat(s.matches(WEB)).isTrue();
        assertThat(s.matches(Labels.of(Label.k8s("app", "db")))).isFalse();
        assertThat(s.matches(HOST)).as("absent key matches NotIn").isTrue();
        assertThat(s.matches(Labels.EMPTY)).isTrue();
    }

    @Test
    void existsAndDoesNotExistLookAtTheKeyOnly() {
        assertThat(sel(Requirement.of("tier", EXISTS, List.of())).matches(WEB)).isTrue();
        assertThat(sel(Requirement.of("tier", EXISTS, List.of())).matches(HOST)).isFalse();
        assertThat(sel(Requirement.of("tier", DOES_NOT_EXIST, List.of())).matches(WEB)).isFalse();
        assertThat(sel(Requirement.of("tier", DOES_NOT_EXIST, List.of())).matches(HOST)).isTrue();
        // a label with an empty value still exists
        assertThat(sel(Requirement.of("flag", EXISTS, List.of())).matches(Labels.of(Label.k8s("flag", "")))).isTrue();
    }

    @Test
    void everyRequirementMustHold() {
        LabelSelector s = LabelSelector.of(Map.of("app", "web"), List.of(Requirement.of("tier", IN, List.of("backend"))));
        assertThat(s.matches(WEB)).isFalse();
        assertThat(s.matches(WEB.with(Label.k8s("tier", "backend")))).isTrue();
        assertThat(sel(Requirement.of("app", IN, List.of("web"))).and(Requirement.of("tier", EXISTS, List.of()))
                .matches(WEB)).isTrue();
        assertThat(sel(Requirement.of("app", IN, List.of("web"))).and(sel(Requirement.of("x", EXISTS, List.of())))
                .matches(WEB)).isFalse();
    }

    @Test
    void matchLabelsMeanInWithOneValue() {
        LabelSelector s = LabelSelector.of(Map.of("k8s:app", "web"), List.of());
        assertThat(s).isEqualTo(sel(Requirement.of("k8s:app", IN, List.of("web"))));
        assertThat(s.matches(WEB)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"In,IN", "in,IN", "IN,IN", "NotIn,NOT_IN", "notin,NOT_IN", "Exists,EXISTS", "exists,EXISTS",
            "DoesNotExist,DOES_NOT_EXIST", "doesnotexist,DOES_NOT_EXIST"})
    void operatorsParseInAnyCase(String text, Operator expected) {
        assertThat(Operator.parse(text)).isEqualTo(expected);
    }

    @Test
    void unknownOperatorIsRefusedNamingIt() {
        assertThatThrownBy(() -> Operator.parse("Equals")).hasMessageContaining("Equals");
    }

    @Test
    void operatorsCheckTheirValues() {
        assertThatThrownBy(() -> Requirement.of("app", IN, List.of())).hasMessageContaining("app");
        assertThatThrownBy(() -> Requirement.of("app", NOT_IN, List.of())).hasMessageContaining("needs values");
        assertThatThrownBy(() -> Requirement.of("app", EXISTS, List.of("x"))).hasMessageContaining("takes no values");
        assertThatThrownBy(() -> Requirement.of("app", DOES_NOT_EXIST, List.of("x"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void equalityIsCanonicalOverOrderOfRequirementsAndValues() {
        LabelSelector a = sel(Requirement.of("app", IN, List.of("web", "db")), Requirement.of("k8s:tier", EXISTS, List.of()));
        LabelSelector b = sel(Requirement.of("k8s:tier", EXISTS, List.of()), Requirement.of("app", IN, List.of("db", "web")));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).hasToString(b.toString());
    }

    @Test
    void selectorsDifferingInSourceOrOperatorAreNotEqual() {
        assertThat(sel(Requirement.of("app", IN, List.of("web"))))
                .isNotEqualTo(sel(Requirement.of("k8s:app", IN, List.of("web"))));
        assertThat(sel(Requirement.of("app", IN, List.of("web"))))
                .isNotEqualTo(sel(Requirement.of("app", NOT_IN, List.of("web"))));
        assertThat(sel(Requirement.of("app", EXISTS, List.of())))
                .isNotEqualTo(sel(Requirement.of("app", DOES_NOT_EXIST, List.of())));
    }

    @Test
    void parseKeySplitsSourceOrDefaultsToAny() {
        assertThat(LabelSelector.parseKey("k8s:app")).isEqualTo(new Label("k8s", "app", ""));
        assertThat(LabelSelector.parseKey("app")).isEqualTo(new Label(Label.SOURCE_ANY, "app", ""));
        assertThat(LabelSelector.parseKey("reserved:world")).isEqualTo(Label.reserved("world"));
    }

    @Test
    void constrainsTellsWhetherAKeyOrSourceIsNamed() {
        LabelSelector s = sel(Requirement.of("k8s:io.kubernetes.pod.namespace", IN, List.of("prod")),
                Requirement.of("reserved:host", EXISTS, List.of()));
        assertThat(s.constrains("io.kubernetes.pod.namespace")).isTrue();
        assertThat(s.constrains("app")).isFalse();
        assertThat(s.constrainsSource(Label.SOURCE_RESERVED)).isTrue();
        assertThat(s.constrainsSource(Label.SOURCE_CIDR)).isFalse();
    }
}
