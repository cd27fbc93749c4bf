// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import java.util.Map;

/** An ICMP type a rule allows or denies, for IPv4 or IPv6. */
public record IcmpField(boolean ipv6, int type) {

    private static final Map<String, Integer> V4 = Map.ofEntries(
            Map.entry("EchoReply", 0), Map.entry("DestinationUnreachable", 3), Map.entry("Redirect", 5),
            Map.entry("Echo", 8), Map.entry("EchoRequest", 8), Map.entry("RouterAdvertisement", 9),
            Map.entry("RouterSelection", 10), Map.entry("TimeExceeded", 11), Map.entry("ParameterProblem", 12),
            Map.entry("Timestamp", 13), Map.entry("TimestampReply", 14), Map.entry("Photuris", 40),
            Map.entry("ExtendedEchoRequest", 42), Map.entry("ExtendedEchoReply", 43));

    private static final Map<String, Integer> V6 = Map.ofEntries(
            Map.entry("DestinationUnreachable", 1), Map.entry("PacketTooBig", 2), Map.entry("TimeExceeded", 3),
            Map.entry("ParameterProblem", 4), Map.entry("EchoRequest", 128), Map.entry("EchoReply", 129),
            Map.entry("MulticastListenerQuery", 130), Map.entry("MulticastListenerReport", 131),
            Map.entry("MulticastListenerDone", 132), Map.entry("RouterSolicitation", 133),
            Map.entry("RouterAdvertisement", 134), Map.entry("NeighborSolicitation", 135),
            Map.entry("NeighborAdvertisement", 136), Map.entry("RedirectMessage", 137),
            Map.entry("RouterRenumbering", 138), Map.entry("ICMPNodeInformationQuery", 139),
            Map.entry("ICMPNodeInformationResponse", 140), Map.entry("InverseNeighborDiscoverySolicitation", 141),
            Map.entry("InverseNeighborDiscoveryAdvertisement", 142), Map.entry("HomeAgentAddressDiscoveryRequest", 144),
            Map.entry("HomeAgentAddressDiscoveryReply", 145), Map.entry("MobilePrefixSolicitation", 146),
            Map.entry("MobilePrefixAdvertisement", 147), Map.entry("DuplicateAddressRequestCodeSuffix", 157),
            Map.entry("DuplicateAddressConfirmationCodeSuffix", 158), Map.entry("ExtendedEchoRequest", 160),
            Map.entry("ExtendedEchoReply", 161));

    public IcmpField {
        if (type < 0 || type > 255) {
            throw new IllegalArgumentException("ICMP type " + type + " is outside 0..255");
        }
    }

    /** {@code family} is IPv4 (the default) or IPv6; {@code type} a number or a name such as EchoRequest. */
    public static IcmpField parse(String family, String type) {
        boolean v6;
        if (family == null || family.isEmpty() || family.equals("IPv4")) {
            v6 = false;
        } else if (family.equals("IPv6")) {
            v6 = true;
        } else {
            throw new IllegalArgumentException("unknown ICMP family '" + family + "' (expected IPv4 or IPv6)");
        }
        if (type.chars().allMatch(Character::isDigit) && !type.isEmpty()) {
            return new IcmpField(v6, Integer.parseInt(type));
        }
        Integer t = (v6 ? V6 : V4).get(type);
        if (t == null) {
            throw new IllegalArgumentException("unknown " + (v6 ? "ICMPv6" : "ICMPv4") + " type '" + type + "'");
        }
        return new IcmpField(v6, t);
    }
}
