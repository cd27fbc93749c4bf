// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrsTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0/0", "10.0.0.0/8", "1.2.3.4/32", "::/0", "::1/128", "2001:db8::/32",
            "2606:4700:4700::1111/128", "fe80::1:2:3:4/64", "::ffff:10.0.0.1/128", "1:2:3:4:5:6:7:8/128",
            "10.1.2.3/8"})
    void acceptsPrefixes(String text) {
        assertThat(Cidrs.parsePrefix(text).bits()).isBetween(0, 128);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0", "10.0.0.0/33", "10.0.0/8", "010.0.0.0/8", "256.0.0.0/8", "10.0.0.0/08",
            "::/129", "1::2::3/64", ":1/128", "1:2:3:4:5:6:7:8:9/128", "1:2:3:4:5:6:7::8/128", "12345::/16",
            "example.com/8", "fe80::1%eth0/64", "10.0.0.0/-1"})
    void refusesMalformedPrefixes(String text) {
        assertThatThrownBy(() -> Cidrs.parsePrefix(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(text.contains("/") ? text.substring(0, text.indexOf('/')) : text);
    }

    @Test
    void bareAddressesAreHostPrefixes() {
        assertThat(Cidrs.parsePrefixOrAddress("192.0.2.1").bits()).isEqualTo(32);
        assertThat(Cidrs.parsePrefixOrAddress("2001:db8::1").bits()).isEqualTo(128);
        assertThat(Cidrs.withLength("192.0.2.1")).isEqualTo("192.0.2.1/32");
        assertThat(Cidrs.withLength("::1")).isEqualTo("::1/128");
        assertThat(Cidrs.withLength("10.0.0.0/8")).isEqualTo("10.0.0.0/8");
    }

    @Test
    void containment() {
        var net = Cidrs.parsePrefix("10.0.0.0/8");
        assertThat(net.contains(Cidrs.parsePrefix("10.96.0.0/12"))).isTrue();
        assertThat(net.contains(net)).isTrue();
        assertThat(net.contains(Cidrs.parsePrefix("11.0.0.0/16"))).isFalse();
        assertThat(net.contains(Cidrs.parsePrefix("0.0.0.0/0"))).isFalse();
        assertThat(net.contains(Cidrs.parsePrefix("::/128"))).isFalse();
        var v6 = Cidrs.parsePrefix("2606:4700:4700::/96");
        assertThat(v6.contains(Cidrs.parsePrefix("2606:4700:4700::1001/128"))).isTrue();
        assertThat(v6.contains(Cidrs.parsePrefix("2606:4700:4701::1/128"))).isFalse();
        assertThat(net.contains(Cidrs.parsePrefix("::ffff:10.0.0.1/128"))).isFalse();
    }
}
