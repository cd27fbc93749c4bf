// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

class MessageBuilderTest {

    @Test
    void headerCarriesLengthTypeRequestAckFlagsAndSequence() {
        byte[] m = new MessageBuilder(RouteMessages.RTM_GETROUTE, NetlinkMessage.NLM_F_DUMP).u32(0x01020304)
                .build(42);

        ByteBuffer b = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).isEqualTo(20);
        assertThat(b.getShort(4)).isEqualTo((short) RouteMessages.RTM_GETROUTE);
        assertThat(b.getShort(6)).isEqualTo((short) 0x305); // NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP
        assertThat(b.getInt(8)).isEqualTo(42);
        assertThat(b.getInt(12)).isZero();
        assertThat(b.getInt(16)).isEqualTo(0x01020304);
    }

    @Test
    void attributesArePaddedToFourBytesAndTheirLengthExcludesThePadding() {
        byte[] m = new MessageBuilder(16, 0).attrString(3, "ab").attr(1, new byte[] {9}).attrU32(4, 1500).build(1);

        assertThat(Captured.hex(m).substring(32)).isEqualTo(
                "0700" + "0300" + "616200" + "00" // nla_len 7: header + "ab\0", one byte of padding
                        + "0500" + "0100" + "09" + "000000"
                        + "0800" + "0400" + "dc050000");
        assertThat(m.length).isEqualTo(16 + 8 + 8 + 8);
    }

    @Test
    void nestedAttributeSpansItsChildrenAndIsFlaggedNested() {
        MessageBuilder b = new MessageBuilder(16, 0);
        int outer = b.startNested(18);
        b.attrString(1, "veth");
        int inner = b.startNested(2);
        b.attrU32(28, 4);
        b.endNested(inner).endNested(outer);

        assertThat(Captured.hex(b.build(1)).substring(32)).isEqualTo(
                "1c00" + "1280" // IFLA_LINKINFO | NLA_F_NESTED, 28 bytes
                        + "0900" + "0100" + "7665746800" + "000000"
                        + "0c00" + "0280" + "0800" + "1c00" + "04000000");
    }

    @Test
    void messagesGrowPastTheInitialBuffer() {
        MessageBuilder b = new MessageBuilder(16, 0);
        for (int i = 0; i < 100; i++) {
            b.attrU32(4, i);
        }
        byte[] m = b.build(1);

        assertThat(m).hasSize(16 + 100 * 8);
        assertThat(ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN).getInt(m.length - 4)).isEqualTo(99);
    }
}
