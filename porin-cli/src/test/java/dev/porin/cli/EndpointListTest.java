// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli;

import dev.porin.api.v1.EndpointModel;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointListTest {

    private static EndpointModel endpoint(int id, List<String> labels, String ipv4, String state) {
        return new EndpointModel(id, "c" + id, "eth0", "/var/run/netns/c" + id, "default", "web-" + id, labels, 0,
                ipv4, "lxc0123456789ab", 10 + id, "02:00:00:00:00:01", "02:00:00:00:00:02", state,
                new EndpointModel.PolicyEnforcement("Disabled", "Disabled"),
                new EndpointModel.TrafficStats(0, 0, 0, 0), Instant.EPOCH);
    }

    @Test
    void headerIsCiliumsEndpointListHeader() {
        assertThat(EndpointCommand.ListCommand.render(List.of())).isEqualTo(
                "ENDPOINT   POLICY (ingress)   POLICY (egress)   IDENTITY   LABELS (source:key[=value])   IPv6   IPv4   STATUS\n"
                        + "           ENFORCEMENT        ENFORCEMENT\n");
    }

    @Test
    void listsEachEndpointWithOneLabelPerLine() {
        String out = EndpointCommand.ListCommand.render(List.of(
                endpoint(12, List.of("k8s:app=web", "k8s:io.kubernetes.pod.namespace=default"), "10.200.0.12", "ready"),
                endpoint(3, List.of("k8s:app=db"), "10.200.0.3", "disconnecting")));

        assertThat(out).isEqualTo("""
                ENDPOINT   POLICY (ingress)   POLICY (egress)   IDENTITY   LABELS (source:key[=value])               IPv6   IPv4          STATUS
                           ENFORCEMENT        ENFORCEMENT
                12         Disabled           Disabled          0          k8s:app=web                                      10.200.0.12   ready
                                                                           k8s:io.kubernetes.pod.namespace=default
                3          Disabled           Disabled          0          k8s:app=db                                       10.200.0.3    disconnecting
                """);
    }

    @Test
    void endpointWithoutLabelsShowsReservedInit() {
        String out = EndpointCommand.ListCommand.render(List.of(endpoint(1, List.of(), "10.200.0.2", "restoring")));

        assertThat(out.lines().skip(2)).singleElement().satisfies(line -> assertThat(line).startsWith("1 ")
                .contains("reserved:init").endsWith("10.200.0.2   restoring"));
    }
}
