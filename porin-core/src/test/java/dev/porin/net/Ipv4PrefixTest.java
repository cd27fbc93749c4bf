// SPDX-License-Identifier: Apache-2.0
package dev.porin.net;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Ipv4PrefixTest {

    @Test
    void parsesAndNormalisesHostBits() {
        Ipv4Prefix p = Ipv4Prefix.parse("10.200.3.7/16");
        assertThat(p).hasToString("10.200.0.0/16");
        assertThat(p.size()).isEqualTo(65536);
        assertThat(Ipv4Prefix.parse("1.2.3.4")).hasToString("1.2.3.4/32");
        assertThat(Ipv4Prefix.parse("0.0.0.0/0").contains(Ipv4Prefix.parseAddress("255.1.2.3"))).isTrue();
    }

    @Test
    void containment() {
        Ipv4Prefix p = Ipv4Prefix.parse("10.0.0.0/8");
        assertThat(p.contains(Ipv4Prefix.parse("10.1.0.0/16"))).isTrue();
        assertThat(Ipv4Prefix.parse("10.1.0.0/16").contains(p)).isFalse();
        assertThat(p.contains(Ipv4Prefix.parseAddress("11.0.0.1"))).isFalse();
    }

    @Test
    void rejectsGarbageWithTheInputInTheMessage() {
        assertThatThrownBy(() -> Ipv4Prefix.parse("10.0.0.0/33")).hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(() -> Ipv4Prefix.parse("10.0.0/8")).hasMessageContaining("10.0.0");
        assertThatThrownBy(() -> Ipv4Prefix.parseAddress("example.com")).hasMessageContaining("example.com");
        assertThatThrownBy(() -> Ipv4Prefix.parseAddress("1.2.3.256")).hasMessageContaining("1.2.3.256");
    }

    @Test
    void macAddressRoundTripAndLocalBit() {
        MacAddress m = MacAddress.parse("0a:1b:2c:3d:4e:5f");
        assertThat(m).hasToString("0a:1b:2c:3d:4e:5f");
        MacAddress r = MacAddress.randomLocal(new java.util.Random(1));
        assertThat(r.bytes()[0] & 0x03).isEqualTo(0x02);
    }
}
