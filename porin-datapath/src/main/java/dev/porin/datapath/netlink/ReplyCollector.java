// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The replies to one request, fed datagram by datagram. A plain request ends with its NLMSG_ERROR (error 0
 * is the acknowledgement); a dump ends with NLMSG_DONE, or with an NLMSG_ERROR if the kernel refused to
 * start it. Messages with another sequence number are left over from an exchange that was abandoned
 * half-way (an exception while reading a dump) and are dropped.
 */
final class ReplyCollector {

    /** NLMSGERR_ATTR_MSG: the extended-ack text, sent when the socket has NETLINK_EXT_ACK set. */
    private static final int NLMSGERR_ATTR_MSG = 1;

    private final int seq;
    private final String operation;
    private final List<NetlinkMessage> messages = new ArrayList<>();
    private boolean interrupted;

    ReplyCollector(int seq, String operation) {
        this.seq = seq;
        this.operation = operation;
    }

    /**
     * Takes one received datagram.
     *
     * @return true once the exchange is complete
     * @throws NetlinkException if the kernel refused the request
     */
    boolean accept(ByteBuffer datagram) {
        for (NetlinkMessage m : NetlinkMessage.parseAll(datagram)) {
            if (m.seq() != seq || m.type() == NetlinkMessage.NLMSG_NOOP) {
                continue;
            }
            if (m.type() == NetlinkMessage.NLMSG_ERROR || m.type() == NetlinkMessage.NLMSG_DONE) {
                checkStatus(m);
                return true;
            }
            interrupted |= m.hasFlag(NetlinkMessage.NLM_F_DUMP_INTR);
            messages.add(m);
        }
        return false;
    }

    /** The replies that carried data, in order. */
    List<NetlinkMessage> messages() {
        return messages;
    }

    /** Whether the kernel flagged the dump as inconsistent (NLM_F_DUMP_INTR): it changed while being read. */
    boolean interrupted() {
        return interrupted;
    }

    /** Both NLMSG_ERROR (struct nlmsgerr) and NLMSG_DONE start with the int error, 0 or a negative errno. */
    private void checkStatus(NetlinkMessage m) {
        ByteBuffer p = m.payload();
        int error = p.remaining() >= 4 ? p.getInt(0) : 0;
        if (error == 0) {
            return;
        }
        String detail = "";
        if (m.hasFlag(NetlinkMessage.NLM_F_ACK_TLVS)) {
            String text = Attributes.parse(p.duplicate().position(extAckOffset(m))).string(NLMSGERR_ATTR_MSG);
            detail = text == null ? "" : text.strip();
        }
        throw new NetlinkException(operation, error, detail);
    }

    /**
     * Where the extended-ack attributes start. NLMSG_DONE has them right after the error; NLMSG_ERROR
     * first echoes the request's header, and its payload too unless the kernel capped it (NLM_F_CAPPED,
     * which NETLINK_CAP_ACK asks for).
     */
    private static int extAckOffset(NetlinkMessage m) {
        if (m.type() == NetlinkMessage.NLMSG_DONE) {
            return 4;
        }
        ByteBuffer p = m.payload();
        int echoed = m.hasFlag(NetlinkMessage.NLM_F_CAPPED) ? NetlinkMessage.HEADER_LENGTH : p.getInt(4);
        return Math.min(4 + NetlinkMessage.align(echoed), p.limit());
    }
}
