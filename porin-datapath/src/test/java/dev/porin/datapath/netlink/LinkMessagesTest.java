// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import dev.porin.net.MacAddress;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinkMessagesTest {

    @Test
    void decodesACapturedLinkDump() {
        var links = NetlinkMessage.parseAll(Captured.resource("rtm_getlink_dump.hex")).stream()
                .map(LinkMessages::decode)
                .toList();

        assertThat(links).containsExactly(
                new Link(1, "lo", MacAddress.parse("00:00:00:00:00:00"), 65536, false, null),
                new Link(2, "pnltd", MacAddress.parse("02:00:00:00:00:0d"), 1400, true, "veth"),
                new Link(3, "pnltv", MacAddress.parse("02:00:00:00:00:01"), 1450, false, "veth"));
    }

    @Test
    void encodesAVethPairWithItsPeerInAnotherNamespaceAsTheKernelAcceptedIt() {
        VethSpec spec = new VethSpec("pnltv", MacAddress.parse("02:00:00:00:00:01"),
                "eth0", MacAddress.parse("02:00:00:00:00:02"), 4, 1450);

        byte[] request = LinkMessages.newVeth(spec).build(14);

        ByteBuffer accepted = Captured.resource("rtm_newlink_veth_request.hex");
        assertThat(Captured.hex(request)).isEqualTo(Captured.hex(accepted.array()));
    }

    @Test
    void setsUpByChangingOnlyIffUp() {
        assertThat(Captured.hex(LinkMessages.up(2).build(6)))
                .isEqualTo("20000000100005000600000000000000" + "00000000" + "02000000" + "01000000" + "01000000");
    }

    @Test
    void looksUpALinkByName() {
        assertThat(Captured.hex(LinkMessages.get("pnltd").build(4))).isEqualTo(
                "2c000000120005000400000000000000" + "00000000000000000000000000000000"
                        + "0a000300706e6c7464000000");
    }

    @Test
    void rejectsInterfaceNamesTheKernelWouldRefuse() {
        assertThatThrownBy(() -> LinkMessages.checkName("pnlt0123456789ab"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 16");
        assertThatThrownBy(() -> LinkMessages.checkName("")).isInstanceOf(IllegalArgumentException.class);
        LinkMessages.checkName("pnlt0123456789a");
    }

    @Test
    void vethSpecNeedsANamespaceDescriptor() {
        assertThatThrownBy(() -> new VethSpec("a", MacAddress.parse("02:00:00:00:00:01"), "b",
                MacAddress.parse("02:00:00:00:00:02"), -1, 1500))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("peerNetnsFd");
    }
}
