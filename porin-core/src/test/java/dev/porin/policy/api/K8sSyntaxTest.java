// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class K8sSyntaxTest {

    @Test
    void names() {
        assertThat(K8sSyntax.isDnsLabel("cilium-test")).isTrue();
        assertThat(K8sSyntax.isDnsLabel("a.b")).isFalse();
        assertThat(K8sSyntax.isDnsLabel("-a")).isFalse();
        assertThat(K8sSyntax.isDnsLabel("a".repeat(64))).isFalse();
        assertThat(K8sSyntax.isDnsSubdomain("client-egress-to-fqdns-one.one.one.one")).isTrue();
        assertThat(K8sSyntax.isDnsSubdomain("Upper")).isFalse();
        assertThat(K8sSyntax.isDnsSubdomain("a..b")).isFalse();
        assertThat(K8sSyntax.isDnsSubdomain("")).isFalse();
    }

    @Test
    void labels() {
        assertThat(K8sSyntax.isLabelKey("app")).isTrue();
        assertThat(K8sSyntax.isLabelKey("app.kubernetes.io/name")).isTrue();
        assertThat(K8sSyntax.isLabelKey("io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name")).isTrue();
        assertThat(K8sSyntax.isLabelKey("node-role.kubernetes.io/control-plane")).isTrue();
        assertThat(K8sSyntax.isLabelKey("Bad_Prefix/x")).isFalse();
        assertThat(K8sSyntax.isLabelKey("a b")).isFalse();
        assertThat(K8sSyntax.isLabelKey("/x")).isFalse();
        assertThat(K8sSyntax.isLabelValue("")).isTrue();
        assertThat(K8sSyntax.isLabelValue("v1.2_3-x")).isTrue();
        assertThat(K8sSyntax.isLabelValue("-x")).isFalse();
        assertThat(K8sSyntax.isLabelValue("x".repeat(64))).isFalse();
    }

    @Test
    void portNames() {
        assertThat(K8sSyntax.isPortName("http-8080")).isTrue();
        assertThat(K8sSyntax.isPortName("serve-80-tcp")).isTrue();
        assertThat(K8sSyntax.isPortName("8080")).isFalse();
        assertThat(K8sSyntax.isPortName("HTTP")).isFalse();
        assertThat(K8sSyntax.isPortName("a--b")).isFalse();
        assertThat(K8sSyntax.isPortName("sixteen-chars-xx")).isFalse();
        assertThat(K8sSyntax.isServiceName("HTTP")).isTrue();
        assertThat(K8sSyntax.isServiceName("0x10")).isTrue();
        assertThat(K8sSyntax.isServiceName("80")).isFalse();
        assertThat(K8sSyntax.isServiceName("web-")).isFalse();
    }
}
