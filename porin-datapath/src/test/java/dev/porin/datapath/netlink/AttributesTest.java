// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttributesTest {

    @Test
    void readsAlignedAttributesByType() {
        Attributes a = Attributes.parse(Captured.hex(
                "0700" + "0300" + "6c6f00" + "00" // IFLA_IFNAME "lo", padded
                        + "0800" + "0400" + "00000100" // IFLA_MTU 65536
                        + "0800" + "0100" + "0afa0001")); // an IPv4 address, network order

        assertThat(a.string(3)).isEqualTo("lo");
        assertThat(a.u32(4, -1)).isEqualTo(65536);
        assertThat(a.inet4(1).getHostAddress()).isEqualTo("10.250.0.1");
        assertThat(a.has(2)).isFalse();
        assertThat(a.u32(2, -1)).isEqualTo(-1);
        assertThat(a.string(2)).isNull();
    }

    @Test
    void nestedAttributesIgnoreTheNestedFlag() {
        Attributes a = Attributes.parse(Captured.hex(
                "1000" + "1280" // IFLA_LINKINFO | NLA_F_NESTED
                        + "0a00" + "0100" + "64756d6d7900" + "0000")); // IFLA_INFO_KIND "dummy"

        assertThat(a.nested(18).string(1)).isEqualTo("dummy");
        assertThat(a.nested(19).has(1)).isFalse();
    }

    @Test
    void theLastAttributeNeedNotBePadded() {
        assertThat(Attributes.parse(Captured.hex("0500" + "0100" + "2a")).bytes(1)).containsExactly(42);
    }

    @Test
    void rejectsAnAttributeLongerThanWhatIsLeft() {
        assertThatThrownBy(() -> Attributes.parse(Captured.hex("0c00" + "0300" + "6c6f0000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nla_len 12 with 8 bytes left");
    }

    @Test
    void rejectsAnAddressOfTheWrongSize() {
        assertThatThrownBy(() -> Attributes.parse(Captured.hex("0600" + "0100" + "0a00" + "0000")).inet4(1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 2 bytes");
    }
}
