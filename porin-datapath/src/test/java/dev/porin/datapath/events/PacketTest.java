// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;

import static dev.porin.datapath.events.Frame.ip;
import static org.assertj.core.api.Assertions.assertThat;

/** Dissection of captured frames: as far as the capture reaches, and nothing made up beyond it. */
class PacketTest {

    private static final int SYN = Packet.TCP_SYN;
    private static final int ACK = Packet.TCP_ACK;

    @Test
    void aTcpSegmentHasMacsAddressesPortsAndFlags() {
        Packet p = Packet.parse(Frame.ipv4("10.0.0.1", "192.168.1.254").tcp(40000, 443, SYN | ACK).bytes());

        assertThat(p.srcMac()).isEqualTo(Frame.SRC_MAC);
        assertThat(p.dstMac()).isEqualTo(Frame.DST_MAC);
        assertThat(p.etherType()).isEqualTo(Packet.ETH_IPV4);
        assertThat(p.ipVersion()).isEqualTo(4);
        assertThat(p.isIpv4()).isTrue();
        assertThat(p.srcIp()).isEqualTo(ip("10.0.0.1"));
        assertThat(p.dstIp()).isEqualTo(ip("192.168.1.254"));
        assertThat(p.protocol()).isEqualTo(Packet.PROTO_TCP);
        assertThat(p.srcPort()).isEqualTo(40000);
        assertThat(p.dstPort()).isEqualTo(443);
        assertThat(p.tcpFlags()).isEqualTo(SYN | ACK);
        assertThat(p.icmpType()).isZero();
        assertThat(p.icmpCode()).isZero();
    }

    @Test
    void everyTcpFlagIsKept() {
        int all = Packet.TCP_FIN | Packet.TCP_SYN | Packet.TCP_RST | Packet.TCP_PSH | Packet.TCP_ACK
                | Packet.TCP_URG | Packet.TCP_ECE | Packet.TCP_CWR;
        assertThat(Packet.parse(Frame.ipv4("10.0.0.1", "10.0.0.2").tcp(1, 2, all).bytes()).tcpFlags()).isEqualTo(0xff);
    }

    @Test
    void udpAndSctpHavePortsAndNoFlags() {
        Packet udp = Packet.parse(Frame.ipv4("10.0.0.1", "10.0.0.2").udp(53000, 53).bytes());
        assertThat(udp.protocol()).isEqualTo(Packet.PROTO_UDP);
        assertThat(udp.srcPort()).isEqualTo(53000);
        assertThat(udp.dstPort()).isEqualTo(53);
        assertThat(udp.tcpFlags()).isZero();

        Packet sctp = Packet.parse(Frame.ipv4("10.0.0.1", "10.0.0.2").sctp(5000, 65535).bytes());
        assertThat(sctp.protocol()).isEqualTo(Packet.PROTO_SCTP);
        assertThat(sctp.srcPort()).isEqualTo(5000);
        assertThat(sctp.dstPort()).as("high ports stay unsigned").isEqualTo(65535);
    }

    @Test
    void icmpHasTypeAndCodeAndNoPorts() {
        Packet p = Packet.parse(Frame.ipv4("10.0.0.1", "10.0.0.2").icmp(3, 13).bytes());
        assertThat(p.protocol()).isEqualTo(Packet.PROTO_ICMP);
        assertThat(p.icmpType()).isEqualTo(3);
        assertThat(p.icmpCode()).isEqualTo(13);
        assertThat(p.srcPort()).isZero();
        assertThat(p.dstPort()).isZero();
    }

    @Test
    void anUnknownIpProtocolHasAddressesOnly() {
        Packet p = Packet.parse(Frame.ipv4("10.0.0.1", "10.0.0.2").protocol(47).bytes());
        assertThat(p.protocol()).isEqualTo(47);
        assertThat(p.srcIp()).isEqualTo(ip("10.0.0.1"));
        assertThat(p.srcPort()).isZero();
        assertThat(p.dstPort()).isZero();
        assertThat(p.tcpFlags()).isZero();
    }

    @ParameterizedTest(name = "{0} option words")
    @ValueSource(ints = {1, 3, 10})
    void ipv4OptionsMoveTheTransportHeader(int words) {
        Packet p = Packet.parse(Frame.ipv4("10.0.0.1", "10.0.0.2").options(words).tcp(1234, 80, SYN).bytes());
        assertThat(p.srcPort()).isEqualTo(1234);
        assertThat(p.dstPort()).isEqualTo(80);
        assertThat(p.tcpFlags()).isEqualTo(SYN);
        assertThat(p.dstIp()).isEqualTo(ip("10.0.0.2"));
    }

    @Test
    void optionsThatFillTheCaptureLeaveNoTransportHeader() {
        byte[] frame = Frame.ipv4("10.0.0.1", "10.0.0.2").options(10).tcp(1234, 80, SYN).bytes();
        Packet p = Packet.parse(MemorySegment.ofArray(frame), 0, 14 + 60);
        assertThat(p.srcIp()).isEqualTo(ip("10.0.0.1"));
        assertThat(p.protocol()).isEqualTo(Packet.PROTO_TCP);
        assertThat(p.srcPort()).isZero();
        assertThat(p.tcpFlags()).isZero();
    }

    @Test
    void aHeaderLengthBelowTheMinimumIsNotTrustedForTheTransportHeader() {
        Packet p = Packet.parse(Frame.ipv4("10.0.0.1", "10.0.0.2").ihl(4).tcp(1234, 80, SYN).bytes());
        assertThat(p.srcIp()).isEqualTo(ip("10.0.0.1"));
        assertThat(p.srcPort()).isZero();
        assertThat(p.tcpFlags()).isZero();
    }

    @Test
    void theFirstFragmentCarriesTheTransportHeader() {
        Packet p = Packet.parse(Frame.ipv4("10.0.0.1", "10.0.0.2").fragment(0, true).udp(4000, 4001).bytes());
        assertThat(p.srcPort()).isEqualTo(4000);
        assertThat(p.dstPort()).isEqualTo(4001);
    }

    @ParameterizedTest(name = "offset {0}")
    @ValueSource(ints = {1, 185, 0x1fff})
    void laterFragmentsHaveNoPortsButKeepAddressesAndProtocol(int offset) {
        Packet p = Packet.parse(Frame.ipv4("10.0.0.1", "10.0.0.2").fragment(offset, offset != 0x1fff)
                .tcp(4000, 4001, SYN).bytes());
        assertThat(p.srcIp()).isEqualTo(ip("10.0.0.1"));
        assertThat(p.dstIp()).isEqualTo(ip("10.0.0.2"));
        assertThat(p.protocol()).isEqualTo(Packet.PROTO_TCP);
        assertThat(p.srcPort()).isZero();
        assertThat(p.dstPort()).isZero();
        assertThat(p.tcpFlags()).isZero();
    }

    @Test
    void laterIcmpFragmentsHaveNoTypeOrCode() {
        Packet p = Packet.parse(Frame.ipv4("10.0.0.1", "10.0.0.2").fragment(100, false).icmp(8, 0).bytes());
        assertThat(p.icmpType()).isZero();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 6, 13})
    void lessThanAnEthernetHeaderIsNothing(int captured) {
        byte[] frame = Frame.ipv4("10.0.0.1", "10.0.0.2").tcp(1, 2, SYN).first(captured);
        assertThat(Packet.parse(frame)).isEqualTo(Packet.NONE);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {14, 20, 33})
    void aCaptureEndingInsideTheIpHeaderHasOnlyEthernet(int captured) {
        Packet p = Packet.parse(Frame.ipv4("10.0.0.1", "10.0.0.2").tcp(1, 2, SYN).first(captured));
        assertThat(p.srcMac()).isEqualTo(Frame.SRC_MAC);
        assertThat(p.dstMac()).isEqualTo(Frame.DST_MAC);
        assertThat(p.etherType()).isEqualTo(Packet.ETH_IPV4);
        assertThat(p.ipVersion()).isZero();
        assertThat(p.srcIp()).isZero();
        assertThat(p.protocol()).isZero();
    }

    @Test
    void aCaptureEndingAfterThePortsHasPortsButNoFlags() {
        byte[] frame = Frame.ipv4("10.0.0.1", "10.0.0.2").tcp(40000, 80, SYN).first(14 + 20 + 4);
        Packet p = Packet.parse(frame);
        assertThat(p.srcIp()).isEqualTo(ip("10.0.0.1"));
        assertThat(p.srcPort()).isEqualTo(40000);
        assertThat(p.dstPort()).isEqualTo(80);
        assertThat(p.tcpFlags()).as("byte 13 of the TCP header was not captured").isZero();
    }

    @Test
    void aCaptureEndingInsideThePortsHasNoPorts() {
        Packet p = Packet.parse(Frame.ipv4("10.0.0.1", "10.0.0.2").udp(40000, 53).first(14 + 20 + 3));
        assertThat(p.protocol()).isEqualTo(Packet.PROTO_UDP);
        assertThat(p.srcPort()).isZero();
        assertThat(p.dstPort()).isZero();
    }

    @Test
    void aCaptureWithTheTcpFlagsByteHasFlags() {
        Packet p = Packet.parse(Frame.ipv4("10.0.0.1", "10.0.0.2").tcp(1, 2, Packet.TCP_RST).first(14 + 20 + 14));
        assertThat(p.tcpFlags()).isEqualTo(Packet.TCP_RST);
    }

    @Test
    void anIcmpCaptureOfOneByteHasTheTypeOnly() {
        Packet p = Packet.parse(Frame.ipv4("10.0.0.1", "10.0.0.2").icmp(11, 1).first(14 + 20 + 1));
        assertThat(p.icmpType()).isEqualTo(11);
        assertThat(p.icmpCode()).isZero();
    }

    @Test
    void ipv6IsRecognisedButNotDissected() {
        byte[] l3 = new byte[40];
        l3[0] = 0x60;
        l3[6] = Packet.PROTO_TCP;
        Packet p = Packet.parse(Frame.ofEtherType(Packet.ETH_IPV6, l3).bytes());
        assertThat(p.etherType()).isEqualTo(Packet.ETH_IPV6);
        assertThat(p.ipVersion()).isEqualTo(6);
        assertThat(p.isIpv4()).isFalse();
        assertThat(p.srcMac()).isEqualTo(Frame.SRC_MAC);
        assertThat(p.srcIp()).isZero();
        assertThat(p.protocol()).isZero();
    }

    @Test
    void arpHasOnlyEthernet() {
        byte[] arp = new byte[28];
        arp[1] = 1;
        arp[2] = 0x08;
        Packet p = Packet.parse(Frame.ofEtherType(Packet.ETH_ARP, arp).bytes());
        assertThat(p.etherType()).isEqualTo(Packet.ETH_ARP);
        assertThat(p.ipVersion()).isZero();
        assertThat(p.srcMac()).isEqualTo(Frame.SRC_MAC);
        assertThat(p.dstMac()).isEqualTo(Frame.DST_MAC);
        assertThat(p.srcIp()).isZero();
    }

    @Test
    void aFrameInsideALargerSegmentIsReadAtItsOffsetAndLength() {
        byte[] frame = Frame.ipv4("10.1.2.3", "10.3.2.1").udp(7, 8).bytes();
        byte[] padded = new byte[frame.length + 100];
        System.arraycopy(frame, 0, padded, 37, frame.length);
        Packet p = Packet.parse(MemorySegment.ofArray(padded), 37, frame.length);
        assertThat(p).isEqualTo(Packet.parse(frame));
        assertThat(p.srcIp()).isEqualTo(ip("10.1.2.3"));
    }

    @Test
    void addressesAndMacsPrintAsUsual() {
        assertThat(Packet.ipv4(ip("10.0.0.1"))).isEqualTo("10.0.0.1");
        assertThat(Packet.ipv4(ip("255.254.128.0"))).isEqualTo("255.254.128.0");
        assertThat(Packet.mac(Frame.SRC_MAC)).isEqualTo("02:00:00:00:0a:01");
        assertThat(Packet.mac(Frame.DST_MAC)).isEqualTo("fe:ff:ff:ff:ff:fe");
        assertThat(Packet.mac(0)).isEqualTo("00:00:00:00:00:00");
    }
}
