// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static dev.porin.policy.api.Direction.EGRESS;
import static dev.porin.policy.api.Direction.INGRESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyKeyTest {

    private static final int TCP = 6;
    private static final int UDP = 17;

    private static List<String> ranges(List<PolicyKey> keys) {
        return keys.stream().map(k -> k.firstPort() + "-" + k.lastPort()).toList();
    }

    @Test
    void range1024To65535IsExactlySixAlignedPrefixes() {
        List<PolicyKey> keys = PolicyKey.range(0, INGRESS, TCP, 1024, 65535);
        assertThat(ranges(keys)).containsExactly("1024-2047", "2048-4095", "4096-8191", "8192-16383",
                "16384-32767", "32768-65535");
        assertThat(keys).extracting(PolicyKey::portPrefix).containsExactly(6, 5, 4, 3, 2, 1);
    }

    @Test
    void range80To81IsOneSlash15() {
        List<PolicyKey> keys = PolicyKey.range(0, INGRESS, TCP, 80, 81);
        assertThat(keys).containsExactly(new PolicyKey(0, INGRESS, TCP, 80, 15));
        assertThat(keys.getFirst().portProtocol()).isEqualTo("80-81/TCP");
    }

    @Test
    void unalignedRangeIsSplit() {
        assertThat(ranges(PolicyKey.range(0, INGRESS, TCP, 81, 82))).containsExactly("81-81", "82-82");
        assertThat(ranges(PolicyKey.range(0, INGRESS, TCP, 1000, 1023))).containsExactly("1000-1007", "1008-1023");
        assertThat(ranges(PolicyKey.range(0, INGRESS, TCP, 0, 1023))).containsExactly("0-1023");
    }

    @Test
    void theWholePortSpaceIsOneProtocolOnlyKey() {
        List<PolicyKey> keys = PolicyKey.range(7, EGRESS, UDP, 0, 65535);
        assertThat(keys).containsExactly(new PolicyKey(7, EGRESS, UDP, 0, 0));
        assertThat(keys.getFirst().prefixLength()).isEqualTo(8);
        assertThat(keys.getFirst().portProtocol()).isEqualTo("UDP");
    }

    @Test
    void aSinglePortIsASlash16() {
        assertThat(PolicyKey.range(0, INGRESS, TCP, 80, 80)).containsExactly(PolicyKey.exact(0, INGRESS, TCP, 80));
        assertThat(PolicyKey.range(0, INGRESS, TCP, 65535, 65535)).containsExactly(PolicyKey.exact(0, INGRESS, TCP, 65535));
        assertThat(PolicyKey.exact(0, INGRESS, TCP, 80).portPrefix()).isEqualTo(16);
    }

    @ParameterizedTest(name = "{0}-{1}")
    @CsvSource({"1,65535", "3,17", "1000,1999", "22,8080", "49152,65535", "1,1", "12345,54321"})
    void rangesAreCoveredExactlyWithoutOverlap(int first, int last) {
        List<PolicyKey> keys = PolicyKey.range(0, INGRESS, TCP, first, last);
        int expected = first;
        for (PolicyKey k : keys) {
            assertThat(k.firstPort()).isEqualTo(expected);
            assertThat(k.lastPort() - k.firstPort() + 1).isEqualTo(1 << (16 - k.portPrefix()));
            assertThat(k.firstPort() % (1 << (16 - k.portPrefix()))).as("aligned").isZero();
            expected = k.lastPort() + 1;
        }
        assertThat(expected - 1).isEqualTo(last);
        assertThat(keys.size()).isLessThanOrEqualTo(30);
    }

    @Test
    void prefixLengthCountsProtocolAndPortBits() {
        assertThat(PolicyKey.l3(5, INGRESS).prefixLength()).isZero();
        assertThat(new PolicyKey(5, INGRESS, TCP, 0, 0).prefixLength()).isEqualTo(8);
        assertThat(new PolicyKey(5, INGRESS, TCP, 80, 15).prefixLength()).isEqualTo(23);
        assertThat(PolicyKey.exact(5, INGRESS, TCP, 80).prefixLength()).isEqualTo(24);
    }

    @Test
    void portBitsBeyondThePrefixAreCleared() {
        PolicyKey k = new PolicyKey(0, INGRESS, TCP, 81, 15);
        assertThat(k.port()).isEqualTo(80);
        assertThat(k).isEqualTo(new PolicyKey(0, INGRESS, TCP, 80, 15));
    }

    @Test
    void anyProtocolKeysCannotNamePorts() {
        assertThatThrownBy(() -> new PolicyKey(0, INGRESS, 0, 80, 16)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PolicyKey(0, INGRESS, TCP, 80, 17)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void coversMeansEveryPacketOfTheOtherMatchesThisOne() {
        PolicyKey l3 = PolicyKey.l3(9, INGRESS);
        PolicyKey tcp = new PolicyKey(9, INGRESS, TCP, 0, 0);
        PolicyKey r80 = new PolicyKey(9, INGRESS, TCP, 80, 15);
        PolicyKey p80 = PolicyKey.exact(9, INGRESS, TCP, 80);
        PolicyKey p81 = PolicyKey.exact(9, INGRESS, TCP, 81);
        PolicyKey p82 = PolicyKey.exact(9, INGRESS, TCP, 82);
        assertThat(l3.covers(tcp)).isTrue();
        assertThat(l3.covers(p80)).isTrue();
        assertThat(l3.covers(PolicyKey.exact(9, INGRESS, UDP, 53))).isTrue();
        assertThat(tcp.covers(r80)).isTrue();
        assertThat(r80.covers(p80)).isTrue();
        assertThat(r80.covers(p81)).isTrue();
        assertThat(r80.covers(p82)).isFalse();
        assertThat(p80.covers(p80)).isTrue();
        assertThat(p80.covers(r80)).as("narrower does not cover broader").isFalse();
        assertThat(tcp.covers(l3)).isFalse();
        assertThat(tcp.covers(PolicyKey.exact(9, INGRESS, UDP, 80))).isFalse();
    }

    @Test
    void coversNeedsTheSamePeerAndDirection() {
        assertThat(PolicyKey.l3(9, INGRESS).covers(PolicyKey.exact(10, INGRESS, TCP, 80))).isFalse();
        assertThat(PolicyKey.l3(0, INGRESS).covers(PolicyKey.exact(10, INGRESS, TCP, 80)))
                .as("identity 0 is a different lookup, not a wildcard in covers").isFalse();
        assertThat(PolicyKey.l3(9, INGRESS).covers(PolicyKey.l3(9, EGRESS))).isFalse();
    }

    @Test
    void portProtocolPrintsLikeBpfPolicyGet() {
        assertThat(PolicyKey.l3(0, INGRESS).portProtocol()).isEqualTo("ANY");
        assertThat(new PolicyKey(0, INGRESS, TCP, 0, 0).portProtocol()).isEqualTo("TCP");
        assertThat(PolicyKey.exact(0, INGRESS, TCP, 80).portProtocol()).isEqualTo("80/TCP");
        assertThat(PolicyKey.exact(0, INGRESS, UDP, 53).portProtocol()).isEqualTo("53/UDP");
        assertThat(PolicyKey.exact(0, INGRESS, 132, 9).portProtocol()).isEqualTo("9/SCTP");
        assertThat(PolicyKey.exact(0, INGRESS, 1, 8).portProtocol()).isEqualTo("8/ICMP");
        assertThat(PolicyKey.range(0, INGRESS, TCP, 1000, 1023).stream().map(PolicyKey::portProtocol))
                .containsExactly("1000-1007/TCP", "1008-1023/TCP");
        assertThat(new PolicyKey(0, INGRESS, TCP, 1000, 10).portProtocol()).isEqualTo("960-1023/TCP");
        assertThat(new PolicyKey(0, INGRESS, 99, 0, 0).portProtocol()).isEqualTo("99");
    }

    @Test
    void keysSortByPeerDirectionProtocolPort() {
        assertThat(List.of(PolicyKey.exact(2, INGRESS, TCP, 80), PolicyKey.l3(1, EGRESS), PolicyKey.l3(1, INGRESS),
                PolicyKey.exact(2, INGRESS, TCP, 22)).stream().sorted().toList())
                .containsExactly(PolicyKey.l3(1, INGRESS), PolicyKey.l3(1, EGRESS), PolicyKey.exact(2, INGRESS, TCP, 22),
                        PolicyKey.exact(2, INGRESS, TCP, 80));
    }
}
