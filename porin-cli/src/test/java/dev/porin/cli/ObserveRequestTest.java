// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli;

import com.google.protobuf.Timestamp;
import dev.porin.hubble.flow.DropReason;
import dev.porin.hubble.flow.EventTypeFilter;
import dev.porin.hubble.flow.FlowFilter;
import dev.porin.hubble.flow.TCPFlags;
import dev.porin.hubble.flow.TrafficDirection;
import dev.porin.hubble.flow.Verdict;
import dev.porin.hubble.observer.GetFlowsRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code porin observe} flags become the {@code GetFlowsRequest} {@code hubble observe} would send. */
class ObserveRequestTest {

    private static final Instant NOW = Instant.parse("2025-03-04T10:20:30.250Z");

    private static GetFlowsRequest request(String... args) {
        ObserveCommand cmd = new ObserveCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd.request(NOW);
    }

    private static FlowFilter.Builder filter() {
        return FlowFilter.newBuilder();
    }

    private static Timestamp at(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    @Test
    void withoutFlagsAsksForTheLast20Flows() {
        assertThat(request()).isEqualTo(GetFlowsRequest.newBuilder().setNumber(20).build());
    }

    @Test
    void followingWithoutLastAsksOnlyForNewFlows() {
        assertThat(request("-f")).isEqualTo(GetFlowsRequest.newBuilder().setFollow(true).build());
        assertThat(request("--follow", "--last", "5")).isEqualTo(GetFlowsRequest.newBuilder().setNumber(5).setFollow(true).build());
    }

    @Test
    void lastFirstAndAllSetTheNumber() {
        assertThat(request("--last", "50").getNumber()).isEqualTo(50);
        assertThat(request("--first", "3")).isEqualTo(GetFlowsRequest.newBuilder().setNumber(3).setFirst(true).build());
        assertThat(request("--all").getNumber()).as("every flow there is").isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void sinceAndUntilAreTimesAgoOrAbsoluteAndDropTheDefaultCount() {
        GetFlowsRequest r = request("--since", "1h43m", "--until", "3s");

        assertThat(r.getSince()).isEqualTo(at(NOW.minus(Duration.ofMinutes(103))));
        assertThat(r.getUntil()).isEqualTo(at(NOW.minusSeconds(3)));
        assertThat(r.getNumber()).as("all flows in the window").isZero();

        assertThat(request("--since", "2025-03-04T09:00:00.5+01:00").getSince())
                .isEqualTo(at(Instant.parse("2025-03-04T08:00:00.5Z")));
        assertThat(request("--since", "4m", "--last", "7").getNumber()).isEqualTo(7);
    }

    @Test
    void untilIsIgnoredWhenFollowing() {
        assertThat(request("-f", "--until", "1m").hasUntil()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--first 2 --last 3 | cannot set both --first and --last",
            "--first 2 --all    | cannot set both --first and --all",
            "--first 2 -f       | cannot set both --first and --follow",
            "--last 2 --all     | cannot set both --last and --all",
            "--last -1          | --last: must not be negative"})
    void contradictorySelectorsAreRefused(String args, String message) {
        assertThatThrownBy(() -> request(args.split(" "))).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void podNamesWithoutNamespaceAreInDefaultOrTheGivenNamespace() {
        assertThat(request("--from-pod", "client").getWhitelistList())
                .containsExactly(filter().addSourcePod("default/client").build());
        assertThat(request("--to-pod", "kube-system/coredns-").getWhitelistList())
                .containsExactly(filter().addDestinationPod("kube-system/coredns-").build());
        assertThat(request("--from-pod", "web", "-n", "shop").getWhitelistList())
                .containsExactly(filter().addSourcePod("shop/web").build());
        assertThat(request("--from-pod", "web", "--from-namespace", "shop", "--to-namespace", "db").getWhitelistList())
                .containsExactly(filter().addSourcePod("shop/web").addDestinationPod("db/").build());
        assertThat(request("--from-pod", "web", "-A").getWhitelistList())
                .as("any namespace").containsExactly(filter().addSourcePod("/web").build());
    }

    @Test
    void unprefixedFlagsBuildOneFilterPerSide() {
        assertThat(request("--pod", "web", "-n", "shop").getWhitelistList()).containsExactly(
                filter().addSourcePod("shop/web").build(), filter().addDestinationPod("shop/web").build());
        assertThat(request("--namespace", "shop").getWhitelistList()).containsExactly(
                filter().addSourcePod("shop/").build(), filter().addDestinationPod("shop/").build());
        assertThat(request("--ip", "10.0.0.7").getWhitelistList()).containsExactly(
                filter().addSourceIp("10.0.0.7").build(), filter().addDestinationIp("10.0.0.7").build());
        assertThat(request("-l", "app=web").getWhitelistList()).containsExactly(
                filter().addSourceLabel("app=web").build(), filter().addDestinationLabel("app=web").build());
        assertThat(request("--identity", "world").getWhitelistList()).containsExactly(
                filter().addSourceIdentity(2).build(), filter().addDestinationIdentity(2).build());
        assertThat(request("--port", "53").getWhitelistList()).containsExactly(
                filter().addSourcePort("53").build(), filter().addDestinationPort("53").build());
    }

    @Test
    void sideFlagsFillOneFilter() {
        assertThat(request("--from-ip", "10.0.0.0/24", "--to-ip", "fd00::1", "--from-label", "app=a",
                "--to-label", "app=b", "--from-identity", "300", "--to-identity", "host", "--from-port", "40000",
                "--to-port", "8080").getWhitelistList()).containsExactly(filter()
                .addSourceIp("10.0.0.0/24").addDestinationIp("fd00::1").addSourceLabel("app=a").addDestinationLabel("app=b")
                .addSourceIdentity(300).addDestinationIdentity(1).addSourcePort("40000").addDestinationPort("8080").build());
    }

    @Test
    void otherFiltersGoIntoEveryFilterAndRepeatedValuesAreAlternatives() {
        GetFlowsRequest r = request("--pod", "web", "--verdict", "DROPPED", "--verdict", "audit", "--protocol", "TCP",
                "--drop-reason-desc", "policy_denied", "--traffic-direction", "Ingress", "--tcp-flags", "SYN,ACK");

        FlowFilter.Builder common = filter().addVerdict(Verdict.DROPPED).addVerdict(Verdict.AUDIT).addProtocol("tcp")
                .addDropReasonDesc(DropReason.POLICY_DENIED).addTrafficDirection(TrafficDirection.INGRESS)
                .addTcpFlags(TCPFlags.newBuilder().setSYN(true).setACK(true));
        assertThat(r.getWhitelistList()).containsExactly(common.clone().addSourcePod("default/web").build(),
                common.clone().addDestinationPod("default/web").build());
    }

    @Test
    void typesNameEventTypesAndTracePoints() {
        assertThat(request("-t", "drop", "--type", "trace:to-endpoint", "-t", "policy-verdict", "-t", "trace:3", "-t", "129")
                .getWhitelist(0).getEventTypeList()).containsExactly(
                EventTypeFilter.newBuilder().setType(1).build(),
                EventTypeFilter.newBuilder().setType(4).setMatchSubType(true).setSubType(0).build(),
                EventTypeFilter.newBuilder().setType(5).build(),
                EventTypeFilter.newBuilder().setType(4).setMatchSubType(true).setSubType(3).build(),
                EventTypeFilter.newBuilder().setType(129).build());
    }

    @Test
    void notTurnsTheFiltersIntoABlacklist() {
        GetFlowsRequest r = request("--not", "--pod", "kube-system/coredns-", "--verdict", "FORWARDED");

        assertThat(r.getWhitelistList()).isEmpty();
        assertThat(r.getBlacklistList()).containsExactly(
                filter().addSourcePod("kube-system/coredns-").addVerdict(Verdict.FORWARDED).build(),
                filter().addDestinationPod("kube-system/coredns-").addVerdict(Verdict.FORWARDED).build());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--verdict|DENIED|--verdict: unknown verdict 'DENIED' (expected one of FORWARDED, DROPPED, ERROR, AUDIT, REDIRECTED, TRACED, TRANSLATED)",
            "--protocol|quic|--protocol: unknown protocol 'quic'",
            "--drop-reason-desc|Policy denied|--drop-reason-desc: unknown drop reason 'Policy denied'",
            "--from-ip|10.0.0.300|--from-ip: '10.0.0.300' is not an IP address or CIDR",
            "--ip|10.0.0.0/33|--ip: '10.0.0.0/33' is not an IP address or CIDR",
            "--to-port|http|--to-port: 'http' is not a port number",
            "--port|65536|--port: '65536' is not a port number",
            "--identity|nobody|--identity: 'nobody' is not a numeric identity nor one of host, world,",
            "--pod|a/b/c|--pod: 'a/b/c' is not [namespace/]pod-name-prefix",
            "--traffic-direction|sideways|--traffic-direction: 'sideways' is not ingress or egress",
            "--type|drops|--type: unknown event type 'drops'",
            "--type|trace:to-moon|--type: unknown sub-type 'to-moon' of trace",
            "--tcp-flags|SYN,FOO|--tcp-flags: unknown TCP flag 'FOO'",
            "--since|yesterday|--since: 'yesterday' is neither a duration like 3s, 4m or 1h43m nor a time",
            "--until|3 days|--until: '3 days' is neither a duration"})
    void aBadValueIsRefusedNamingItsFlag(String flag, String value, String message) {
        assertThatThrownBy(() -> request(flag, value)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
    }

    @Test
    void tableOutputCannotFollow() {
        ObserveCommand cmd = new ObserveCommand();
        new CommandLine(cmd).parseArgs("-f", "-o", "table");

        assertThatThrownBy(() -> cmd.printer(new PrintWriter(new StringWriter())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--output table cannot be combined with --follow");
    }

    @Test
    void anUnknownOutputFormatIsRefused() {
        ObserveCommand cmd = new ObserveCommand();
        new CommandLine(cmd).parseArgs("-o", "yaml");

        assertThatThrownBy(() -> cmd.printer(new PrintWriter(new StringWriter())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--output: 'yaml' is not one of compact, dict, json, jsonpb, table");
    }
}
