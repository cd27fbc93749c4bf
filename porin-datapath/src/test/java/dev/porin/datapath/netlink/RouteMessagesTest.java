// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import dev.porin.net.Ipv4Prefix;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RouteMessagesTest {

    private static final Route VIA_GATEWAY = new Route(Ipv4Prefix.parse("10.250.9.0/24"),
            Ipv4Prefix.parseAddress("10.250.0.9"), 2, Scope.UNIVERSE, false, null);

    /** A route dump of the main table: the kernel's prefix route for 10.250.0.1/24, then VIA_GATEWAY. */
    private static final String MAIN_TABLE_DUMP =
            "3c000000180022000b0000002244000002180000fe02fd011000000008000f00fe000000080001000afa0000"
                    + "080007000afa000108000400020000003c000000180022000b0000002244000002180000fe0400011000000008"
                    + "000f00fe000000080001000afa0900080005000afa00090800040002000000";

    @Test
    void encodesAnAddedRouteAsTheKernelAcceptedIt() {
        assertThat(Captured.hex(RouteMessages.add(VIA_GATEWAY).build(9))).isEqualTo(
                "34000000180005060900000000000000"
                        + "02180000" + "fe040001" + "00000000" // AF_INET /24, main table, RTPROT_STATIC, unicast
                        + "080001000afa0900" // RTA_DST
                        + "080005000afa0009" // RTA_GATEWAY
                        + "0800040002000000"); // RTA_OIF
    }

    @Test
    void aDeletionMatchesWhoeverInstalledTheRoute() {
        assertThat(Captured.hex(RouteMessages.delete(VIA_GATEWAY).build(12)))
                .startsWith("34000000190005000c00000000000000" + "02180000" + "fe000001");
    }

    @Test
    void encodesOnlinkAndPreferredSource() {
        Route route = new Route(Ipv4Prefix.parse("10.250.1.5/32"), null, 7, Scope.LINK, true,
                Ipv4Prefix.parseAddress("10.250.0.1"));

        assertThat(Captured.hex(RouteMessages.replace(route).build(1))).isEqualTo(
                "34000000180005050100000000000000"
                        + "02200000" + "fe04fd01" + "04000000" // scope link, RTNH_F_ONLINK
                        + "080001000afa0105" + "080007000afa0001" + "0800040007000000");
    }

    @Test
    void encodesTheDefaultRouteWithoutDestination() {
        Route route = new Route(Ipv4Prefix.parse("0.0.0.0/0"), Ipv4Prefix.parseAddress("10.250.0.1"), 7,
                Scope.UNIVERSE, true, null);

        byte[] m = RouteMessages.add(route).build(1);

        assertThat(m).hasSize(16 + 12 + 8 + 8);
        assertThat(RouteMessages.decode(NetlinkMessage.parseAll(ByteBuffer.wrap(m)).getFirst())).isEqualTo(route);
    }

    @Test
    void decodesACapturedMainTable() {
        List<Route> routes = NetlinkMessage.parseAll(Captured.hex(MAIN_TABLE_DUMP)).stream()
                .map(RouteMessages::decode)
                .toList();

        assertThat(routes).containsExactly(
                new Route(Ipv4Prefix.parse("10.250.0.0/24"), null, 2, Scope.LINK, false,
                        Ipv4Prefix.parseAddress("10.250.0.1")),
                VIA_GATEWAY);
        assertThat(routes.getFirst()).hasToString("10.250.0.0/24 dev 2 scope link src 10.250.0.1");
        assertThat(VIA_GATEWAY).hasToString("10.250.9.0/24 via 10.250.0.9 dev 2");
    }

    @Test
    void skipsWhatARouteCannotDescribe() {
        String blackhole = "2c000000180022000b0000002244000002180000fe04000610000000" + "08000f00fe000000"
                + "080001000afa0900";
        String otherTable = "34000000180022000b0000002244000002180000640400011000000008000f0064000000"
                + "080001000afa0900" + "0800040002000000";
        String multipath = "38000000180022000b0000002244000002180000fe040001000000000800" + "0f00fe000000"
                + "080001000afa0900" + "0c000900" + "0800000002000000";

        assertThat(NetlinkMessage.parseAll(Captured.hex(blackhole + otherTable + multipath)))
                .hasSize(3)
                .allSatisfy(m -> assertThat(RouteMessages.decode(m)).isNull());
    }
}
