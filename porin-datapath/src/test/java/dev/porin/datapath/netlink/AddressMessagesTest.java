// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import dev.porin.net.Ipv4Prefix;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AddressMessagesTest {

    private static final Address ADDRESS = new Address(2, Ipv4Prefix.parseAddress("10.250.0.1"), 24);

    @Test
    void encodesAnAddressAsTheKernelAcceptedIt() {
        assertThat(Captured.hex(AddressMessages.add(ADDRESS).build(7))).isEqualTo(
                "28000000140005060700000000000000" + "0218000002000000"
                        + "080002000afa0001" // IFA_LOCAL
                        + "080001000afa0001"); // IFA_ADDRESS
    }

    @Test
    void decodesACapturedAddress() {
        NetlinkMessage m = Captured.single("500000001400220008000000224400000218800002000000080001000afa0001"
                + "080002000afa00010a000300706e6c7464000000080008008000000014000600ffffffffffffffff9071010090710100");

        assertThat(AddressMessages.decode(m)).isEqualTo(ADDRESS);
    }

    @Test
    void keepsTheHostBitsThatAPrefixWouldClear() {
        assertThat(ADDRESS.network()).isEqualTo(Ipv4Prefix.parse("10.250.0.0/24"));
        assertThat(ADDRESS).hasToString("10.250.0.1/24 dev 2");
    }
}
