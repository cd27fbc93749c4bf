// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import dev.porin.datapath.sys.Errno;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplyCollectorTest {

    /** The acknowledgement of RTM_NEWLINK seq 6: error 0, the request's header echoed (NLM_F_CAPPED). */
    private static final String ACK_SEQ_6 = "24000000020000010600000022440000" + "00000000"
            + "20000000100005000600000000000000";

    /** RTM_NEWLINK seq 5 refused with EEXIST, without extended-ack attributes. */
    private static final String EEXIST_SEQ_5 = "24000000020000010500000022440000" + "efffffff"
            + "90000000100005060500000000000000";

    /** RTM_NEWROUTE seq 10 refused with ENETUNREACH and NLMSGERR_ATTR_MSG (flags NLM_F_CAPPED|NLM_F_ACK_TLVS). */
    private static final String ENETUNREACH_WITH_EXT_ACK_SEQ_10 = "44000000020000030a00000022440000" + "9bffffff"
            + "34000000180005060a00000000000000"
            + "20000100" + "4e657874686f702068617320696e76616c6964206761746577617900"; // "Nexthop has invalid gateway"

    /** RTM_GETADDR dump seq 8: one RTM_NEWADDR (10.250.0.1/24 on ifindex 2), then NLMSG_DONE. */
    private static final String ADDRESS_SEQ_8 = "500000001400220008000000224400000218800002000000080001000afa0001"
            + "080002000afa00010a000300706e6c7464000000080008008000000014000600ffffffffffffffff9071010090710100";
    private static final String DONE_SEQ_8 = "1400000003002200080000002244000000000000";

    @Test
    void anAcknowledgementCompletesARequest() {
        ReplyCollector replies = new ReplyCollector(6, "RTM_NEWLINK ifindex 2 up");

        assertThat(replies.accept(Captured.hex(ACK_SEQ_6))).isTrue();
        assertThat(replies.messages()).isEmpty();
    }

    @Test
    void anErrorNamesTheOperationAndTheErrno() {
        ReplyCollector replies = new ReplyCollector(5, "RTM_NEWLINK veth pnltd peer pnltd3");

        assertThatThrownBy(() -> replies.accept(Captured.hex(EEXIST_SEQ_5)))
                .isInstanceOfSatisfying(NetlinkException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EEXIST);
                    assertThat(e.call()).isEqualTo("RTM_NEWLINK veth pnltd peer pnltd3");
                    assertThat(e.detail()).isEmpty();
                })
                .hasMessage("RTM_NEWLINK veth pnltd peer pnltd3 failed: -17 EEXIST (File exists)");
    }

    @Test
    void theExtendedAckTextIsAppendedToTheMessage() {
        ReplyCollector replies = new ReplyCollector(10, "RTM_NEWROUTE 10.250.8.0/24 via 10.250.7.9 dev 2");

        assertThatThrownBy(() -> replies.accept(Captured.hex(ENETUNREACH_WITH_EXT_ACK_SEQ_10)))
                .isInstanceOfSatisfying(NetlinkException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.ENETUNREACH);
                    assertThat(e.detail()).isEqualTo("Nexthop has invalid gateway");
                })
                .hasMessage("RTM_NEWROUTE 10.250.8.0/24 via 10.250.7.9 dev 2 failed: "
                        + "-101 ENETUNREACH (Network is unreachable): Nexthop has invalid gateway");
    }

    @Test
    void theExtendedAckFollowsTheWholeEchoedRequestWhenTheErrorIsNotCapped() {
        // NLM_F_ACK_TLVS without NLM_F_CAPPED: error, the 24-byte request (header and payload), then the text.
        String error = "34000000020000020300000000000000" + "eaffffff"
                + "180000001800050603000000000000000218000000000000"
                + "0800" + "0100" + "626164" + "00";

        assertThatThrownBy(() -> new ReplyCollector(3, "RTM_NEWROUTE").accept(Captured.hex(error)))
                .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.detail()).isEqualTo("bad"));
    }

    @Test
    void aDumpCollectsItsMessagesUntilDone() {
        ReplyCollector replies = new ReplyCollector(8, "RTM_GETADDR dump");

        assertThat(replies.accept(Captured.hex(ADDRESS_SEQ_8))).isFalse();
        assertThat(replies.accept(Captured.hex(DONE_SEQ_8))).isTrue();
        assertThat(replies.messages()).singleElement()
                .satisfies(m -> assertThat(m.type()).isEqualTo(AddressMessages.RTM_NEWADDR));
        assertThat(replies.interrupted()).isFalse();
    }

    @Test
    void aFailedDumpReportsTheErrorInDone() {
        String doneWithEnobufs = "1400000003000200080000000000000097ffffff";

        assertThatThrownBy(() -> new ReplyCollector(8, "RTM_GETROUTE dump").accept(Captured.hex(doneWithEnobufs)))
                .isInstanceOfSatisfying(NetlinkException.class, e -> assertThat(e.errno()).isEqualTo(105))
                .hasMessageStartingWith("RTM_GETROUTE dump failed: -105 ENOBUFS");
    }

    @Test
    void repliesToAnEarlierAbandonedRequestAreDropped() {
        ReplyCollector replies = new ReplyCollector(9, "RTM_GETADDR dump");

        assertThat(replies.accept(Captured.hex(ADDRESS_SEQ_8 + DONE_SEQ_8))).isFalse();
        assertThat(replies.messages()).isEmpty();
    }

    @Test
    void anInconsistentDumpIsFlagged() {
        String interrupted = ADDRESS_SEQ_8.substring(0, 12) + "32" + ADDRESS_SEQ_8.substring(14); // NLM_F_DUMP_INTR

        ReplyCollector replies = new ReplyCollector(8, "RTM_GETADDR dump");
        replies.accept(Captured.hex(interrupted + DONE_SEQ_8));

        assertThat(replies.interrupted()).isTrue();
    }
}
