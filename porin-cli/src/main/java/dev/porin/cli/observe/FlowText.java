// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.observe;

import com.google.protobuf.Timestamp;
import dev.porin.hubble.flow.Endpoint;
import dev.porin.hubble.flow.Flow;
import dev.porin.hubble.flow.Layer4;
import dev.porin.hubble.flow.Policy;
import dev.porin.hubble.flow.Verdict;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The parts of a flow as {@code hubble observe} prints them, and the policies behind its verdict as Porin adds them. */
public final class FlowText {

    /** Go's {@code time.StampMilli}, in UTC as hubble prints it. */
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss.SSS", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final int TYPE_DROP = 1;
    private static final int TYPE_TRACE = 4;
    private static final int TYPE_POLICY_VERDICT = 5;
    private static final String DEFAULT_DENY_LABEL = "porin:rule=default-deny";

    private FlowText() {
    }

    /** {@code Jan  2 15:04:05.000}, or {@code N/A}. */
    public static String time(boolean present, Timestamp t) {
        return present ? STAMP.format(Instant.ofEpochSecond(t.getSeconds(), t.getNanos())) : "N/A";
    }

    /** {@code namespace/pod:port} for a pod, {@code address:port} otherwise; the MAC address without IP. */
    public static String source(Flow f) {
        return host(f, f.getIP().getSource(), ports(f.getL4())[0], f.getSource(), f.getEthernet().getSource());
    }

    public static String destination(Flow f) {
        return host(f, f.getIP().getDestination(), ports(f.getL4())[1], f.getDestination(), f.getEthernet().getDestination());
    }

    private static String host(Flow f, String ip, int port, Endpoint ep, String mac) {
        if (!f.hasIP()) {
            return mac;
        }
        String host = ep.getPodName().isEmpty() ? ip
                : ep.getNamespace().isEmpty() ? ep.getPodName() : ep.getNamespace() + "/" + ep.getPodName();
        if (port == 0) {
            return host;
        }
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static int[] ports(Layer4 l4) {
        return switch (l4.getProtocolCase()) {
            case TCP -> new int[] {l4.getTCP().getSourcePort(), l4.getTCP().getDestinationPort()};
            case UDP -> new int[] {l4.getUDP().getSourcePort(), l4.getUDP().getDestinationPort()};
            case SCTP -> new int[] {l4.getSCTP().getSourcePort(), l4.getSCTP().getDestinationPort()};
            default -> new int[] {0, 0};
        };
    }

    /** {@code ID:1234}, or the name of a reserved identity ({@code world}). */
    public static String identity(int identity) {
        String reserved = ReservedIdentities.name(Integer.toUnsignedLong(identity));
        return reserved != null ? reserved : "ID:" + Integer.toUnsignedString(identity);
    }

    /**
     * The observation point of a trace ({@code to-endpoint}), the reason of a drop ({@code Policy denied}), the
     * match of a policy verdict ({@code policy-verdict:L3-L4 INGRESS}).
     */
    public static String type(Flow f) {
        int subType = f.getEventType().getSubType();
        return switch (f.getEventType().getType()) {
            case TYPE_TRACE -> DatapathNames.point(subType);
            case TYPE_DROP -> DatapathNames.dropReason(subType);
            case TYPE_POLICY_VERDICT -> "policy-verdict:" + DatapathNames.matchType(f.getPolicyMatchType()) + " "
                    + f.getTrafficDirection().name();
            default -> "UNKNOWN";
        };
    }

    /** {@code FORWARDED}, {@code DROPPED}, ...; a policy verdict says {@code ALLOWED}, {@code DENIED} or {@code AUDITED}. */
    public static String verdict(Flow f) {
        Verdict v = f.getVerdict();
        if (f.getEventType().getType() == TYPE_POLICY_VERDICT) {
            switch (v) {
                case FORWARDED, REDIRECTED -> {
                    return "ALLOWED";
                }
                case DROPPED, ERROR -> {
                    return "DENIED";
                }
                case AUDIT -> {
                    return "AUDITED";
                }
                default -> {
                }
            }
        }
        return v.name();
    }

    /**
     * The policies that decided: those that denied if any, else those that allowed, each as {@code ns/name (Kind)}
     * or {@code default deny of ns/name (Kind)} when the policy denied only by selecting the endpoint; null if none.
     */
    public static String cause(Flow f) {
        List<Policy> policies = new ArrayList<>(f.getIngressDeniedByList());
        policies.addAll(f.getEgressDeniedByList());
        if (policies.isEmpty()) {
            policies.addAll(f.getIngressAllowedByList());
            policies.addAll(f.getEgressAllowedByList());
        }
        if (policies.isEmpty()) {
            return null;
        }
        return policies.stream()
                .map(p -> (p.getLabelsList().contains(DEFAULT_DENY_LABEL) ? "default deny of " : "") + name(p))
                .distinct().collect(Collectors.joining(", "));
    }

    private static String name(Policy p) {
        String name = p.getNamespace().isEmpty() ? p.getName() : p.getNamespace() + "/" + p.getName();
        return p.getKind().isEmpty() ? name : name + " (" + p.getKind() + ")";
    }

    /** The summary, followed by the policies that decided: {@code TCP Flags: SYN by default deny of ...}. */
    public static String summaryAndCause(Flow f) {
        String cause = cause(f);
        return cause == null ? f.getSummary() : f.getSummary() + " by " + cause;
    }
}
