// SPDX-License-Identifier: Apache-2.0
package dev.porin.identity;

import dev.porin.labels.Label;
import dev.porin.labels.Labels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SecurityLabelsTest {

    @ParameterizedTest
    @ValueSource(strings = {"io.kubernetes.pod.name", "io.kubernetes.container.name", "pod-template-hash",
            "controller-revision-hash", "controller-uid", "pod-template-generation",
            "statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index",
            "batch.kubernetes.io/job-completion-index", "batch.kubernetes.io/controller-uid",
            "failure-domain.beta.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/region",
            "beta.kubernetes.io/arch", "kubernetes.io/hostname", "k8s.io/some-bookkeeping",
            "topology.kubernetes.io/zone", "annotation.foo", "etcd_node"})
    void bookkeepingLabelsAreIgnored(String key) {
        assertThat(SecurityLabels.isSecurityRelevant(key)).isFalse();
        assertThat(SecurityLabels.forPod("prod", Map.of(key, "x"), Map.of(), "sa").get("k8s", key)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"app", "role", "tier", "version", "k8s-app", "app.kubernetes.io/name",
            "app.kubernetes.io/instance", "app.kubernetes.io/component", "io.kubernetes.pod.namespace",
            "io.cilium.k8s.namespace.labels.team", "io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name",
            "io.cilium.k8s.policy.serviceaccount", "io.cilium.k8s.policy.cluster", "example.com/owner"})
    void applicationLabelsAndPseudoLabelsAreKept(String key) {
        assertThat(SecurityLabels.isSecurityRelevant(key)).isTrue();
    }

    @Test
    void podGetsNamespaceServiceAccountAndClusterPseudoLabels() {
        Labels l = SecurityLabels.forPod("prod", Map.of("app", "web"), Map.of(), "web-sa");
        assertThat(l.strings()).containsExactly(
                "k8s:app=web",
                "k8s:io.cilium.k8s.policy.cluster=default",
                "k8s:io.cilium.k8s.policy.serviceaccount=web-sa",
                "k8s:io.kubernetes.pod.namespace=prod");
        assertThat(l).allSatisfy(label -> assertThat(label.source()).isEqualTo(Label.SOURCE_K8S));
    }

    @Test
    void namespaceLabelsBecomeNamespaceLabelPseudoLabels() {
        Labels l = SecurityLabels.forPod("prod", Map.of("app", "web"),
                Map.of("kubernetes.io/metadata.name", "prod", "team", "payments"), "default");
        assertThat(l.has(Label.k8s("io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name", "prod"))).isTrue();
        assertThat(l.has(Label.k8s("io.cilium.k8s.namespace.labels.team", "payments"))).isTrue();
        assertThat(l.get("k8s", "team")).as("a namespace label is not a pod label").isEmpty();
    }

    @Test
    void changingANamespaceLabelChangesTheLabelSet() {
        Labels a = SecurityLabels.forPod("prod", Map.of("app", "web"), Map.of("team", "a"), "default");
        Labels b = SecurityLabels.forPod("prod", Map.of("app", "web"), Map.of("team", "b"), "default");
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void withoutServiceAccountThereIsNoServiceAccountLabel() {
        assertThat(SecurityLabels.forPod("prod", Map.of(), Map.of(), null).get("k8s", SecurityLabels.SERVICE_ACCOUNT)).isEmpty();
        assertThat(SecurityLabels.forPod("prod", Map.of(), Map.of(), "").get("k8s", SecurityLabels.SERVICE_ACCOUNT)).isEmpty();
    }

    @Test
    void differentServiceAccountOrNamespaceMeansDifferentLabels() {
        Labels base = SecurityLabels.forPod("prod", Map.of("app", "web"), Map.of(), "a");
        assertThat(SecurityLabels.forPod("prod", Map.of("app", "web"), Map.of(), "b")).isNotEqualTo(base);
        assertThat(SecurityLabels.forPod("dev", Map.of("app", "web"), Map.of(), "a")).isNotEqualTo(base);
    }

    @Test
    void podsDifferingOnlyInIgnoredLabelsGetEqualLabelSets() {
        Labels a = SecurityLabels.forPod("prod", Map.of("app", "db", "app.kubernetes.io/name", "postgres",
                "pod-template-hash", "5d8f9c", "controller-revision-hash", "db-7f", "statefulset.kubernetes.io/pod-name", "db-0",
                "io.kubernetes.pod.name", "db-0", "failure-domain.beta.kubernetes.io/zone", "eu-1a"),
                Map.of("team", "data"), "db");
        Labels b = SecurityLabels.forPod("prod", Map.of("app", "db", "app.kubernetes.io/name", "postgres",
                "pod-template-hash", "77aa01", "controller-revision-hash", "db-8c", "statefulset.kubernetes.io/pod-name", "db-1",
                "io.kubernetes.pod.name", "db-1", "failure-domain.beta.kubernetes.io/zone", "eu-1b"),
                Map.of("team", "data"), "db");
        assertThat(a).isEqualTo(b);
        assertThat(a.strings()).contains("k8s:app=db", "k8s:app.kubernetes.io/name=postgres");
        assertThat(new IdentityAllocator().acquire(a).id()).isEqualTo(new IdentityAllocator().acquire(b).id());
    }

    @Test
    void podsDifferingInAKeptLabelGetDifferentLabelSets() {
        assertThat(SecurityLabels.forPod("prod", Map.of("app", "db", "version", "1"), Map.of(), "db"))
                .isNotEqualTo(SecurityLabels.forPod("prod", Map.of("app", "db", "version", "2"), Map.of(), "db"));
    }
}
