// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.events;

import dev.porin.datapath.DropReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

import static dev.porin.datapath.events.Frame.ip;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ring-buffer records decoded without a kernel: each is written member by member at the offsets of
 * {@link EventLayouts} (which {@code MapLayoutTest} holds to the compiler's layout) and must come back field
 * for field. Values use the high bits, so that a signed read or a member read at the wrong width shows.
 */
class DatapathEventTest {

    private static final byte[] SYN = Frame.ipv4("10.0.0.1", "10.0.0.2").tcp(40000, 80, Packet.TCP_SYN).bytes();

    @Test
    void theLayoutsHaveTheSizesOfTheCStructs() {
        // sizeof() and a few offsetof() as clang lays out bpf/lib/events.h; a silent change must fail here.
        assertThat(EventLayouts.HEADER.byteSize()).isEqualTo(8);
        assertThat(EventLayouts.DROP.byteSize()).isEqualTo(184);
        assertThat(EventLayouts.TRACE.byteSize()).isEqualTo(184);
        assertThat(EventLayouts.POLICY_VERDICT.byteSize()).isEqualTo(176);
        assertThat(offset(EventLayouts.DROP, "data")).isEqualTo(56);
        assertThat(offset(EventLayouts.TRACE, "data")).isEqualTo(56);
        assertThat(offset(EventLayouts.POLICY_VERDICT, "data")).isEqualTo(48);
        assertThat(offset(EventLayouts.DROP, "cookie")).isEqualTo(40);
        assertThat(offset(EventLayouts.POLICY_VERDICT, "cookie")).isEqualTo(32);
        assertThat(offset(EventLayouts.TRACE, "orig_ip")).isEqualTo(32);
        assertThat(EventLayouts.PAYLOAD).isEqualTo(128);
    }

    @Test
    void aDropRecordDecodesEveryField() {
        EventRecord r = EventRecord.of(EventLayouts.DROP, DatapathEvent.TYPE_DROP)
                .set("hdr.subtype", DropReason.POLICY_DENY.code())
                .set("hdr.source", 0xfffe)
                .set("hdr.hash", 0xdeadbeefL)
                .set("orig_len", 1514)
                .set("version", 1)
                .set("src_label", 0x00ff_fff1)
                .set("dst_label", 16_777_217)
                .set("dst_id", 0x8000_0001L)
                .set("line", 999)
                .set("file", 2)
                .set("ext_error", -3)
                .set("ifindex", 0x7fff_ff00)
                .set("flags", 1)
                .set("cookie", 0x8000_002aL)
                .set("ktime", 0x0123_4567_89ab_cdefL)
                .payload(SYN);

        DatapathEvent.Drop d = (DatapathEvent.Drop) DatapathEvent.decode(r.segment());

        assertThat(d.type()).isEqualTo(DatapathEvent.TYPE_DROP);
        assertThat(d.reason()).isEqualTo(181);
        assertThat(d.dropReason()).isEqualTo(DropReason.POLICY_DENY);
        assertThat(d.endpoint()).as("u16, unsigned").isEqualTo(0xfffe);
        assertThat(d.hash()).isEqualTo(0xdeadbeef);
        assertThat(d.length()).isEqualTo(1514);
        assertThat(d.sourceIdentity()).isEqualTo(0x00ff_fff1);
        assertThat(d.destinationIdentity()).isEqualTo(16_777_217);
        assertThat(d.destinationEndpoint()).isEqualTo(0x8000_0001);
        assertThat(d.ifindex()).isEqualTo(0x7fff_ff00);
        assertThat(d.ingress()).isTrue();
        assertThat(d.cookie()).isEqualTo(0x8000_002a);
        assertThat(d.ktime()).isEqualTo(0x0123_4567_89ab_cdefL);
        assertThat(d.packet()).isEqualTo(Packet.parse(SYN));
        assertThat(d.packet().dstPort()).isEqualTo(80);
    }

    @Test
    void aDropFlaggedEgressIsNotIngress() {
        EventRecord r = EventRecord.of(EventLayouts.DROP, DatapathEvent.TYPE_DROP).set("flags", 2).payload(SYN);
        assertThat(((DatapathEvent.Drop) DatapathEvent.decode(r.segment())).ingress()).isFalse();
    }

    @Test
    void aDropOfAReasonThisDatapathNeverProducesKeepsItsCode() {
        EventRecord r = EventRecord.of(EventLayouts.DROP, DatapathEvent.TYPE_DROP).set("hdr.subtype", 255);
        DatapathEvent.Drop d = (DatapathEvent.Drop) DatapathEvent.decode(r.segment());
        assertThat(d.reason()).as("u8, unsigned").isEqualTo(255);
        assertThat(d.dropReason()).isNull();
    }

    @Test
    void aTraceRecordDecodesEveryField() {
        EventRecord r = EventRecord.of(EventLayouts.TRACE, DatapathEvent.TYPE_TRACE)
                .set("hdr.subtype", 5)
                .set("hdr.source", 0x8001)
                .set("hdr.hash", 0x8765_4321L)
                .set("orig_len", 66_000)
                .set("version", 1)
                .set("src_label", 0x00ff_fff2)
                .set("dst_label", 2)
                .set("dst_id", 0xfffd)
                .set("reason", 2)
                .set("flags", 0xff)
                .set("ifindex", 42)
                .set("ktime", -2L)
                .payload(SYN);

        DatapathEvent.Trace t = (DatapathEvent.Trace) DatapathEvent.decode(r.segment());

        assertThat(t.type()).isEqualTo(DatapathEvent.TYPE_TRACE);
        assertThat(t.point()).isEqualTo(5);
        assertThat(t.endpoint()).isEqualTo(0x8001);
        assertThat(t.hash()).isEqualTo(0x8765_4321);
        assertThat(t.length()).isEqualTo(66_000);
        assertThat(t.sourceIdentity()).isEqualTo(0x00ff_fff2);
        assertThat(t.destinationIdentity()).isEqualTo(2);
        assertThat(t.destinationEndpoint()).as("u16, unsigned").isEqualTo(0xfffd);
        assertThat(t.ctState()).isEqualTo(2);
        assertThat(t.ifindex()).isEqualTo(42);
        assertThat(t.ktime()).isEqualTo(-2L);
        assertThat(t.packet()).isEqualTo(Packet.parse(SYN));
    }

    @Test
    void aTraceToAnEndpointHasObservationPointZero() {
        EventRecord r = EventRecord.of(EventLayouts.TRACE, DatapathEvent.TYPE_TRACE).set("hdr.subtype", 0)
                .set("reason", 0).payload(SYN);
        DatapathEvent.Trace t = (DatapathEvent.Trace) DatapathEvent.decode(r.segment());
        assertThat(t.point()).isZero();
        assertThat(t.ctState()).isZero();
    }

    @Test
    void aPolicyVerdictRecordDecodesEveryField() {
        EventRecord r = EventRecord.of(EventLayouts.POLICY_VERDICT, DatapathEvent.TYPE_POLICY_VERDICT)
                .set("hdr.source", 0xfff0)
                .set("hdr.hash", 0xffff_ffffL)
                .set("orig_len", 60)
                .set("version", 1)
                .set("remote_label", 0x0100_0002)
                .set("verdict", -DropReason.POLICY.code())
                .set("dst_port", 65535)
                .set("proto", Packet.PROTO_SCTP)
                .set("flags", 1 | (5 << 3))
                .set("auth_type", 0)
                .set("cookie", 0xffff_fffeL)
                .set("ktime", 1_700_000_000_000_000_000L)
                .payload(SYN);

        DatapathEvent.PolicyVerdict v = (DatapathEvent.PolicyVerdict) DatapathEvent.decode(r.segment());

        assertThat(v.type()).isEqualTo(DatapathEvent.TYPE_POLICY_VERDICT);
        assertThat(v.endpoint()).isEqualTo(0xfff0);
        assertThat(v.hash()).isEqualTo(-1);
        assertThat(v.length()).isEqualTo(60);
        assertThat(v.remoteIdentity()).isEqualTo(0x0100_0002);
        assertThat(v.verdict()).as("s32").isEqualTo(-133);
        assertThat(v.allowed()).isFalse();
        assertThat(v.port()).as("u16, unsigned").isEqualTo(65535);
        assertThat(v.protocol()).isEqualTo(Packet.PROTO_SCTP);
        assertThat(v.ingress()).isTrue();
        assertThat(v.matchType()).isEqualTo(5);
        assertThat(v.audited()).isFalse();
        assertThat(v.cookie()).isEqualTo(0xffff_fffe);
        assertThat(v.ktime()).isEqualTo(1_700_000_000_000_000_000L);
        assertThat(v.packet()).isEqualTo(Packet.parse(SYN));
    }

    @Test
    void policyVerdictFlagsCarryDirectionMatchTypeAndAudit() {
        EventRecord r = EventRecord.of(EventLayouts.POLICY_VERDICT, DatapathEvent.TYPE_POLICY_VERDICT)
                .set("flags", 2 | (7 << 3) | 0x40 | 0x80).set("verdict", 0);
        DatapathEvent.PolicyVerdict v = (DatapathEvent.PolicyVerdict) DatapathEvent.decode(r.segment());
        assertThat(v.ingress()).isFalse();
        assertThat(v.matchType()).isEqualTo(7);
        assertThat(v.audited()).isTrue();
        assertThat(v.allowed()).isTrue();

        r.set("flags", 1 | 4).set("verdict", 8080);
        v = (DatapathEvent.PolicyVerdict) DatapathEvent.decode(r.segment());
        assertThat(v.ingress()).as("the IPv6 bit does not change the direction").isTrue();
        assertThat(v.matchType()).isZero();
        assertThat(v.audited()).isFalse();
        assertThat(v.verdict()).as("a proxy port").isEqualTo(8080);
        assertThat(v.allowed()).isTrue();
    }

    @Test
    void aRecordWithoutPayloadHasNoPacket() {
        EventRecord r = EventRecord.of(EventLayouts.TRACE, DatapathEvent.TYPE_TRACE).set("cap_len", 0);
        assertThat(DatapathEvent.decode(r.truncated(r.offsetOf("data"))).packet()).isEqualTo(Packet.NONE);
        assertThat(DatapathEvent.decode(r.segment()).packet()).isEqualTo(Packet.NONE);
    }

    @Test
    void aSampleCutInsideThePayloadIsDissectedAsFarAsItGoes() {
        EventRecord r = EventRecord.of(EventLayouts.DROP, DatapathEvent.TYPE_DROP).payload(SYN);
        DatapathEvent d = DatapathEvent.decode(r.truncated(r.offsetOf("data") + 14 + 20));
        assertThat(d).isNotNull();
        assertThat(d.packet().srcIp()).isEqualTo(ip("10.0.0.1"));
        assertThat(d.packet().dstPort()).as("beyond the sample").isZero();
    }

    @Test
    void aCaptureLengthBeyondThePayloadIsClamped() {
        EventRecord r = EventRecord.of(EventLayouts.POLICY_VERDICT, DatapathEvent.TYPE_POLICY_VERDICT).payload(SYN)
                .set("cap_len", 0xffff);
        DatapathEvent v = DatapathEvent.decode(r.segment());
        assertThat(v.packet()).isEqualTo(Packet.parse(SYN));
    }

    @Test
    void thePacketIsReadFromThisRecordsPayloadOnly() {
        // A verdict's payload starts 8 bytes before a drop's: the frame must be found where this type has it.
        EventRecord r = EventRecord.of(EventLayouts.POLICY_VERDICT, DatapathEvent.TYPE_POLICY_VERDICT).payload(SYN);
        assertThat(DatapathEvent.decode(r.segment()).packet().srcPort()).isEqualTo(40000);
    }

    @ParameterizedTest(name = "type {0}")
    @ValueSource(ints = {DatapathEvent.TYPE_DROP, DatapathEvent.TYPE_TRACE, DatapathEvent.TYPE_POLICY_VERDICT})
    void aRecordShorterThanItsFixedPartIsNotDecoded(int type) {
        StructLayout layout = layoutOf(type);
        EventRecord r = EventRecord.of(layout, type).payload(SYN);
        long fixed = r.offsetOf("data");
        assertThat(DatapathEvent.decode(r.truncated(fixed))).isNotNull();
        assertThat(DatapathEvent.decode(r.truncated(fixed - 1))).isNull();
        assertThat(DatapathEvent.decode(r.truncated(EventLayouts.HEADER.byteSize()))).isNull();
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 7})
    void aRecordShorterThanTheHeaderIsNotDecoded(int bytes) {
        EventRecord r = EventRecord.of(EventLayouts.DROP, DatapathEvent.TYPE_DROP);
        assertThat(DatapathEvent.decode(r.truncated(bytes))).isNull();
    }

    @ParameterizedTest(name = "type {0}")
    @ValueSource(ints = {0, 2, 3, 6, 7, 129, 130, 255})
    void aRecordOfAnotherTypeIsNotDecoded(int type) {
        EventRecord r = EventRecord.of(EventLayouts.DROP, type).payload(SYN);
        assertThat(DatapathEvent.decode(r.segment())).isNull();
    }

    @Test
    void aRecordInAnUnalignedPlaceIsDecoded() {
        EventRecord r = EventRecord.of(EventLayouts.DROP, DatapathEvent.TYPE_DROP).set("cookie", 7).payload(SYN);
        MemorySegment shifted = MemorySegment.ofArray(new byte[(int) EventLayouts.DROP.byteSize() + 3]);
        MemorySegment.copy(r.segment(), 0, shifted, 3, EventLayouts.DROP.byteSize());
        DatapathEvent.Drop d = (DatapathEvent.Drop) DatapathEvent.decode(shifted.asSlice(3));
        assertThat(d.cookie()).isEqualTo(7);
        assertThat(d.packet().dstPort()).isEqualTo(80);
    }

    private static StructLayout layoutOf(int type) {
        return switch (type) {
            case DatapathEvent.TYPE_DROP -> EventLayouts.DROP;
            case DatapathEvent.TYPE_TRACE -> EventLayouts.TRACE;
            default -> EventLayouts.POLICY_VERDICT;
        };
    }

    private static long offset(StructLayout layout, String member) {
        return layout.byteOffset(PathElement.groupElement(member));
    }
}
