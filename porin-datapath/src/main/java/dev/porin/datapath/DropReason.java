// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath;

/**
 * Why the datapath dropped a packet. Codes and texts are Cilium's, so that metrics, monitor output and
 * Hubble clients read the same; the C side ({@code bpf/lib/drop.h}) defines the same codes, negated, and
 * a test keeps the two lists equal.
 */
public enum DropReason {
    INVALID_SIP(132, "Invalid source ip", "INVALID_SOURCE_IP"),
    POLICY(133, "Policy denied", "POLICY_DENIED"),
    INVALID(134, "Invalid packet", "INVALID_PACKET_DROPPED"),
    CT_INVALID_HDR(135, "CT: Truncated or invalid header", "CT_TRUNCATED_OR_INVALID_HEADER"),
    UNKNOWN_L3(139, "Unsupported L3 protocol", "UNSUPPORTED_L3_PROTOCOL"),
    WRITE_ERROR(141, "Error writing to packet", "ERROR_WRITING_TO_PACKET"),
    CSUM_L3(153, "Error while correcting L3 checksum", "ERROR_WHILE_CORRECTING_L3_CHECKSUM"),
    CT_CREATE_FAILED(155, "CT: Map insertion failed", "CT_MAP_INSERTION_FAILED"),
    FRAG_NOSUPPORT(157, "IP fragmentation not supported", "IP_FRAGMENTATION_NOT_SUPPORTED"),
    NO_CONFIG(165, "No configuration available to perform policy decision",
            "NO_CONFIGURATION_AVAILABLE_TO_PERFORM_POLICY_DECISION"),
    POLICY_DENY(181, "Policy denied by denylist", "POLICY_DENY"),
    TTL_EXCEEDED(196, "TTL exceeded", "TTL_EXCEEDED");

    private final int code;
    private final String text;
    private final String hubbleName;

    DropReason(int code, String text, String hubbleName) {
        this.code = code;
        this.text = text;
        this.hubbleName = hubbleName;
    }

    /** The positive code, as metrics keys and drop events carry it. */
    public int code() {
        return code;
    }

    /** The text {@code cilium monitor} and the {@code reason} label of drop metrics use. */
    public String text() {
        return text;
    }

    /** The name of the value in Hubble's {@code flow.DropReason} enum (same number as {@link #code()}). */
    public String hubbleName() {
        return hubbleName;
    }

    /** The reason for a code, or null for a code this datapath never produces. */
    public static DropReason of(int code) {
        for (DropReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return null;
    }
}
