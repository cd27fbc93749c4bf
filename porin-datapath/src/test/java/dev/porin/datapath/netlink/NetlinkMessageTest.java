// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetlinkMessageTest {

    private static final int NLM_F_MULTI = 0x02;

    @Test
    void splitsADatagramIntoItsMessages() {
        List<NetlinkMessage> messages = NetlinkMessage.parseAll(Captured.resource("rtm_getlink_dump.hex"));

        assertThat(messages).hasSize(3).allSatisfy(m -> {
            assertThat(m.type()).isEqualTo(LinkMessages.RTM_NEWLINK);
            assertThat(m.seq()).isEqualTo(16);
            assertThat(m.hasFlag(NLM_F_MULTI)).isTrue();
        });
        assertThat(messages).extracting(m -> m.payload().remaining()).containsExactly(1468 - 16, 1504 - 16, 1504 - 16);
    }

    @Test
    void rejectsAMessageLongerThanTheDatagram() {
        assertThatThrownBy(() -> NetlinkMessage.parseAll(Captured.hex("40000000030002000100000000000000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nlmsg_len 64 with 16 bytes left");
    }

    @Test
    void alignRoundsUpToFourBytes() {
        assertThat(List.of(0, 1, 4, 5, 7, 8)).extracting(NetlinkMessage::align).containsExactly(0, 4, 4, 8, 8, 8);
    }
}
