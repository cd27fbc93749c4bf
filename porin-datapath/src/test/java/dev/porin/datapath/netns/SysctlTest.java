// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netns;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SysctlTest {

    @Test
    void readsANetworkSetting() {
        assertThat(Sysctl.read("net/ipv4/ip_forward")).isIn("0", "1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"kernel/hostname", "/net/ipv4/ip_forward", "net/ipv4/../../kernel/hostname",
            "net.ipv4.ip_forward", "net/./ipv4/ip_forward"})
    void acceptsOnlyKeysUnderNet(String key) {
        assertThatThrownBy(() -> Sysctl.write(key, "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key);
    }
}
