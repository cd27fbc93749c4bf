// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import dev.porin.datapath.events.Packet;
import dev.porin.labels.Label;
import dev.porin.labels.Labels;
import dev.porin.net.Ipv4Prefix;
import dev.porin.policy.api.Direction;
import dev.porin.policy.api.PolicyKind;
import dev.porin.policy.api.PolicyOrigin;
import dev.porin.policy.api.RuleRef;

import java.util.List;

/** A small node: two pods in {@code prod}, one in {@code dev}, a world address, and packets between them. */
final class Fixtures {

    static final NodeInfo NODE = new NodeInfo("node-1", "prod-cluster",
            Labels.of(Label.k8s("kubernetes.io/hostname", "node-1"), Label.k8s("topology.kubernetes.io/zone", "eu-1a")));

    static final int WORLD = 2;
    static final int HOST = 1;

    static final String WEB_IP = "10.200.0.10";
    static final String DB_IP = "10.200.0.20";
    static final String DEV_IP = "10.200.1.5";
    static final String OUTSIDE_IP = "93.184.216.34";

    static final long WEB_MAC = 0x02_00_00_00_0a_01L;
    static final long DB_MAC = 0x02_00_00_00_0b_01L;

    static final FlowEndpoint WEB = pod(11, 1001, "prod", "web-7d9f8-abcde", "app=web", "tier=frontend");
    static final FlowEndpoint DB = pod(12, 1002, "prod", "db-0", "app=db", "tier=backend");
    static final FlowEndpoint DEV = pod(13, 1003, "dev", "web-5c6b7-xyz12", "app=web");
    static final FlowEndpoint WORLD_EP = FlowEndpoint.ofIdentity(WORLD, Labels.of(Label.reserved("world")));
    static final FlowEndpoint HOST_EP = FlowEndpoint.ofIdentity(HOST, Labels.of(Label.reserved("host")));

    static final PolicyOrigin ALLOW_WEB = new PolicyOrigin(PolicyKind.CILIUM_NETWORK_POLICY, "prod", "allow-web-to-db");
    static final PolicyOrigin DENY_DEV = new PolicyOrigin(PolicyKind.CILIUM_CLUSTERWIDE_NETWORK_POLICY, null, "deny-dev");
    static final PolicyOrigin DB_ISOLATION = new PolicyOrigin(PolicyKind.NETWORK_POLICY, "prod", "db-isolation");

    static final PolicyCause ALLOW_RULE = PolicyCause.of(new RuleRef(ALLOW_WEB, 0, Direction.INGRESS, false, 1));
    static final PolicyCause DENY_RULE = PolicyCause.of(new RuleRef(DENY_DEV, 2, Direction.EGRESS, true, 0));
    static final PolicyCause DB_DEFAULT_DENY = PolicyCause.defaultDeny(DB_ISOLATION);

    private Fixtures() {
    }

    static int ip(String dotted) {
        return Ipv4Prefix.toInt(Ipv4Prefix.parseAddress(dotted));
    }

    static FlowEndpoint pod(int id, int identity, String namespace, String name, String... labels) {
        List<String> all = new java.util.ArrayList<>(List.of(labels));
        all.add("io.kubernetes.pod.namespace=" + namespace);
        return FlowEndpoint.of(id, identity, namespace, name, Labels.parse(all, Label.SOURCE_K8S));
    }

    static Packet tcp(String src, int sport, String dst, int dport, int flags) {
        return new Packet(WEB_MAC, DB_MAC, Packet.ETH_IPV4, 4, ip(src), ip(dst), Packet.PROTO_TCP, sport, dport, flags, 0, 0);
    }

    static Packet udp(String src, int sport, String dst, int dport) {
        return new Packet(WEB_MAC, DB_MAC, Packet.ETH_IPV4, 4, ip(src), ip(dst), Packet.PROTO_UDP, sport, dport, 0, 0, 0);
    }

    static Packet sctp(String src, int sport, String dst, int dport) {
        return new Packet(WEB_MAC, DB_MAC, Packet.ETH_IPV4, 4, ip(src), ip(dst), Packet.PROTO_SCTP, sport, dport, 0, 0, 0);
    }

    static Packet icmp(String src, String dst, int type, int code) {
        return new Packet(WEB_MAC, DB_MAC, Packet.ETH_IPV4, 4, ip(src), ip(dst), Packet.PROTO_ICMP, 0, 0, 0, type, code);
    }

    static Packet ipv6() {
        return new Packet(WEB_MAC, DB_MAC, Packet.ETH_IPV6, 6, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    static Packet arp() {
        return new Packet(WEB_MAC, 0xff_ff_ff_ff_ff_ffL, Packet.ETH_ARP, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
