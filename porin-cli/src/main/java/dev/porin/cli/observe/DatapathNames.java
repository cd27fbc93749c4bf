// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.observe;

import dev.porin.hubble.flow.DropReason;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The names Cilium gives the datapath's numbers: event types, trace observation points, drop reasons, match types. */
public final class DatapathNames {

    /** Monitor event types as {@code --type} takes them. */
    public static final Map<String, Integer> EVENT_TYPES = Map.of("drop", 1, "debug", 2, "capture", 3, "trace", 4,
            "policy-verdict", 5, "trace-sock", 7, "l7", 129, "agent", 130);

    /** Trace observation points, indexed by their datapath number (what {@code event_type.sub_type} holds). */
    private static final List<String> POINTS = List.of("to-endpoint", "to-proxy", "to-host", "to-stack", "to-overlay",
            "from-endpoint", "from-proxy", "from-host", "from-stack", "from-overlay", "from-network", "to-network",
            "from-crypto", "to-crypto");

    /** The texts of the drops Porin's datapath makes, as {@code cilium monitor} and metrics print them. */
    private static final Map<Integer, String> DROPS = Map.ofEntries(
            Map.entry(132, "Invalid source ip"),
            Map.entry(133, "Policy denied"),
            Map.entry(134, "Invalid packet"),
            Map.entry(135, "CT: Truncated or invalid header"),
            Map.entry(139, "Unsupported L3 protocol"),
            Map.entry(141, "Error writing to packet"),
            Map.entry(153, "Error while correcting L3 checksum"),
            Map.entry(155, "CT: Map insertion failed"),
            Map.entry(157, "IP fragmentation not supported"),
            Map.entry(165, "No configuration available to perform policy decision"),
            Map.entry(181, "Policy denied by denylist"),
            Map.entry(196, "TTL exceeded"));

    private static final List<String> MATCH_TYPES = List.of("none", "L3-Only", "L3-L4", "L4-Only", "all", "L3-Proto",
            "Proto-Only");

    private DatapathNames() {
    }

    public static String point(int number) {
        return number >= 0 && number < POINTS.size() ? POINTS.get(number) : "point-" + number;
    }

    /** The datapath number of an observation point name, or -1. */
    public static int pointOf(String name) {
        return POINTS.indexOf(name);
    }

    /** {@code Policy denied} for 133; for codes Porin never makes, the Hubble name in words. */
    public static String dropReason(int code) {
        String text = DROPS.get(code);
        if (text != null) {
            return text;
        }
        DropReason r = DropReason.forNumber(code);
        if (r == null || r == DropReason.DROP_REASON_UNKNOWN) {
            return "Unknown drop reason " + code;
        }
        String words = r.name().replace('_', ' ').toLowerCase(Locale.ROOT);
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    public static String matchType(int number) {
        return number >= 0 && number < MATCH_TYPES.size() ? MATCH_TYPES.get(number) : "unknown";
    }
}
