// SPDX-License-Identifier: Apache-2.0
package dev.porin.cni;

import dev.porin.api.Json;
import dev.porin.endpoint.Endpoint;
import dev.porin.endpoint.EndpointState;
import dev.porin.net.Ipv4Prefix;
import dev.porin.net.MacAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.Inet4Address;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CniResultTest {

    private static final Inet4Address ROUTER = Ipv4Prefix.parseAddress("10.200.0.1");
    private static final Endpoint EP = new Endpoint(7, "c1", "eth0", "/var/run/netns/c1", "porin", "default", "web-0",
            Map.of(), Ipv4Prefix.parseAddress("10.200.0.5"), "lxc0123456789ab", 42,
            MacAddress.parse("02:00:00:00:00:0a"), MacAddress.parse("02:00:00:00:00:0b"), EndpointState.READY,
            Instant.EPOCH, 0, Map.of(), java.util.List.of(), false);

    private static ObjectNode encode(String version) {
        return CniResult.encode(version, EP, ROUTER, 1450, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"})
    void answersInTheRequestedVersion(String version) {
        assertThat(encode(version).get("cniVersion").asString()).isEqualTo(version);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.3.0", "0.3.1", "0.4.0"})
    void resultsBefore100GiveEachAddressItsIpVersion(String version) {
        assertThat(encode(version).get("ips").get(0).get("version").asString()).isEqualTo("4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0.0", "1.1.0"})
    void resultsFrom100OnHaveNoIpVersion(String version) {
        assertThat(encode(version).get("ips").get(0).has("version")).isFalse();
    }

    @Test
    void interfacesCarryTheirMtuFrom110On() {
        assertThat(encode("1.1.0").get("interfaces")).allSatisfy(i -> assertThat(i.get("mtu").asInt()).isEqualTo(1450));
        assertThat(encode("1.0.0").get("interfaces")).allSatisfy(i -> assertThat(i.has("mtu")).isFalse());
        assertThat(encode("0.4.0").get("interfaces")).allSatisfy(i -> assertThat(i.has("mtu")).isFalse());
    }

    @Test
    void listsTheHostSideFirstAndThePodSideInItsSandbox() {
        JsonNode interfaces = encode("1.0.0").get("interfaces");

        assertThat(interfaces).hasSize(2);
        JsonNode host = interfaces.get(0);
        assertThat(host.get("name").asString()).isEqualTo("lxc0123456789ab");
        assertThat(host.get("mac").asString()).isEqualTo(EP.hostMac().toString());
        assertThat(host.has("sandbox")).isFalse();
        JsonNode pod = interfaces.get(1);
        assertThat(pod.get("name").asString()).isEqualTo("eth0");
        assertThat(pod.get("mac").asString()).isEqualTo(EP.podMac().toString());
        assertThat(pod.get("sandbox").asString()).isEqualTo("/var/run/netns/c1");
    }

    @Test
    void theAddressBelongsToThePodInterfaceWithTheRouterAsGateway() {
        JsonNode ip = encode("1.0.0").get("ips").get(0);

        assertThat(ip.get("address").asString()).isEqualTo("10.200.0.5/32");
        assertThat(ip.get("gateway").asString()).isEqualTo("10.200.0.1");
        assertThat(ip.get("interface").asInt()).isEqualTo(1);
    }

    @Test
    void routesEverythingThroughTheRouter() {
        JsonNode routes = encode("1.0.0").get("routes");

        assertThat(routes).hasSize(1);
        assertThat(routes.get(0).get("dst").asString()).isEqualTo("0.0.0.0/0");
        assertThat(routes.get(0).get("gw").asString()).isEqualTo("10.200.0.1");
    }

    @Test
    void extendsAPreviousResultKeepingItsEntriesFirst() {
        ObjectNode prev = (ObjectNode) Json.MAPPER.readTree("""
                {"cniVersion":"1.0.0",
                 "interfaces":[{"name":"bond0"},{"name":"net0","sandbox":"/var/run/netns/c1"}],
                 "ips":[{"address":"192.168.1.5/24","interface":1}],
                 "routes":[{"dst":"192.168.0.0/16"}],
                 "dns":{"nameservers":["10.96.0.10"]}}
                """);

        ObjectNode result = CniResult.encode("1.0.0", EP, ROUTER, 1450, prev);

        assertThat(result.get("interfaces")).extracting(i -> i.get("name").asString())
                .containsExactly("bond0", "net0", "lxc0123456789ab", "eth0");
        assertThat(result.get("ips")).extracting(i -> i.get("interface").asInt()).containsExactly(1, 3);
        assertThat(CniResult.addresses(result)).containsExactly("192.168.1.5/24", "10.200.0.5/32");
        assertThat(result.get("routes")).extracting(r -> r.get("dst").asString())
                .containsExactly("192.168.0.0/16", "0.0.0.0/0");
        assertThat(result.get("dns").get("nameservers").get(0).asString()).isEqualTo("10.96.0.10");
    }

    @Test
    void errorObjectCarriesVersionCodeMessageAndDetails() {
        ObjectNode err = CniResult.error("0.4.0", new CniException(CniException.POOL_EXHAUSTED, "no free address",
                "all 253 addresses are in use"));

        assertThat(Json.MAPPER.writeValueAsString(err)).isEqualTo(
                "{\"cniVersion\":\"0.4.0\",\"code\":100,\"msg\":\"no free address\","
                        + "\"details\":\"all 253 addresses are in use\"}");
    }

    @Test
    void errorObjectLeavesOutEmptyDetails() {
        ObjectNode err = CniResult.error("1.1.0", CniException.invalidEnvironment("CNI_IFNAME", "not set"));

        assertThat(Json.MAPPER.writeValueAsString(err)).isEqualTo(
                "{\"cniVersion\":\"1.1.0\",\"code\":4,\"msg\":\"CNI_IFNAME: not set\"}");
    }
}
