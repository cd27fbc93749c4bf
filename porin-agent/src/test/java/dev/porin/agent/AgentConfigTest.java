// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent;

import dev.porin.net.Ipv4Prefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentConfigTest {

    private static final AgentConfig DEFAULTS = AgentConfig.defaults();

    private static AgentConfig config(String cniNetwork, String podCidr, String hostDevice, int mtu) {
        return new AgentConfig(DEFAULTS.stateDir(), DEFAULTS.socket(), DEFAULTS.bpfRoot(), DEFAULTS.cniBinDir(),
                DEFAULTS.cniConfDir(), cniNetwork, Ipv4Prefix.parse(podCidr), hostDevice, mtu,
                DEFAULTS.ctMaxEntries(), DEFAULTS.ctGcInterval(), DEFAULTS.policyMapMaxEntries(), false, ObserveConfig.DEFAULTS);
    }

    private static AgentConfig withMtu(int mtu) {
        return config("porin", "10.200.0.0/16", "porin_host", mtu);
    }

    private static AgentConfig withHostDevice(String name) {
        return config("porin", "10.200.0.0/16", name, 1500);
    }

    private static AgentConfig withPodCidr(String cidr) {
        return config("porin", cidr, "porin_host", 1500);
    }

    private static AgentConfig withCniNetwork(String name) {
        return config(name, "10.200.0.0/16", "porin_host", 1500);
    }

    @Test
    void defaultsDescribeAStandaloneNode() {
        assertThat(DEFAULTS.socket()).isEqualTo(Path.of("/var/run/porin/porin.sock"));
        assertThat(DEFAULTS.cniConfFile()).isEqualTo(Path.of("/etc/cni/net.d/05-porin.conflist"));
        assertThat(DEFAULTS.cniPlugin()).isEqualTo(Path.of("/opt/cni/bin/porin-cni"));
    }

    @Test
    void acceptsMtusFromTheIpv4MinimumToTheLinkMaximum() {
        assertThat(withMtu(576).mtu()).isEqualTo(576);
        assertThat(withMtu(9000).mtu()).isEqualTo(9000);
        assertThat(withMtu(65535).mtu()).isEqualTo(65535);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 575, 65536})
    void refusesAnMtuOutOfRange(int mtu) {
        assertThatThrownBy(() -> withMtu(mtu)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("mtu:").hasMessageContaining(Integer.toString(mtu));
    }

    @Test
    void acceptsAHostDeviceWhoseVethPeerNameStillFits() {
        assertThat(withHostDevice("porin_host").hostDevice()).isEqualTo("porin_host");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "porin_host1", "porin/host", "porin host"})
    void refusesAHostDeviceTheKernelCannotName(String name) {
        assertThatThrownBy(() -> withHostDevice(name)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("host-device:");
    }

    @Test
    void acceptsAPodCidrWithRoomForOnePod() {
        assertThat(withPodCidr("10.200.0.0/30").podCidr()).isEqualTo(Ipv4Prefix.parse("10.200.0.0/30"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.200.0.0/31", "10.200.0.7/32"})
    void refusesAPodCidrWithoutRoomForPods(String cidr) {
        assertThatThrownBy(() -> withPodCidr(cidr)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("pod-cidr:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-porin", "porin net", "porin/1"})
    void refusesAnInvalidCniNetworkName(String name) {
        assertThatThrownBy(() -> withCniNetwork(name)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cni-network:");
    }

    @Test
    void refusesATinyConntrackTableAndANonPositiveGcInterval() {
        assertThatThrownBy(() -> new AgentConfig(DEFAULTS.stateDir(), DEFAULTS.socket(), DEFAULTS.bpfRoot(),
                DEFAULTS.cniBinDir(), DEFAULTS.cniConfDir(), "porin", DEFAULTS.podCidr(), "porin_host", 1500, 1023,
                DEFAULTS.ctGcInterval(), DEFAULTS.policyMapMaxEntries(), false, ObserveConfig.DEFAULTS)).hasMessageStartingWith("bpf-ct-max:");
        assertThatThrownBy(() -> new AgentConfig(DEFAULTS.stateDir(), DEFAULTS.socket(), DEFAULTS.bpfRoot(),
                DEFAULTS.cniBinDir(), DEFAULTS.cniConfDir(), "porin", DEFAULTS.podCidr(), "porin_host", 1500,
                DEFAULTS.ctMaxEntries(), Duration.ZERO, DEFAULTS.policyMapMaxEntries(), false, ObserveConfig.DEFAULTS))
                .hasMessageStartingWith("ct-gc-interval:");
        assertThatThrownBy(() -> new AgentConfig(DEFAULTS.stateDir(), DEFAULTS.socket(), DEFAULTS.bpfRoot(),
                DEFAULTS.cniBinDir(), DEFAULTS.cniConfDir(), "porin", DEFAULTS.podCidr(), "porin_host", 1500,
                DEFAULTS.ctMaxEntries(), DEFAULTS.ctGcInterval(), 100, false, ObserveConfig.DEFAULTS))
                .hasMessageStartingWith("bpf-policy-map-max:");
    }
}
