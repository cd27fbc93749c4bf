// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.api;

import dev.porin.api.Json;
import dev.porin.cni.CniService;
import dev.porin.endpoint.Endpoint;
import dev.porin.testing.FakeNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CniApiTest {

    private static final String CONF = "{\"cniVersion\":\"1.0.0\",\"name\":\"porin\",\"type\":\"porin-cni\"}";

    private FakeNode node;
    private final Router router = new Router();

    @BeforeEach
    void start(@TempDir Path stateDir) {
        node = FakeNode.start(stateDir);
        new CniApi(new CniService(node.endpoints(), node.ipam(), FakeNode.MTU)).register(router);
    }

    /** The headers porin-cni sends for a command on eth0 of container c1, as the server hands them on. */
    private static Map<String, String> headers(String command) {
        Map<String, String> h = new HashMap<>();
        h.put("content-type", "application/json");
        h.put("cni-command", command);
        h.put("cni-containerid", "c1");
        h.put("cni-netns", FakeNode.netns("c1"));
        h.put("cni-ifname", "eth0");
        h.put("cni-args", "K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0");
        h.put("cni-path", "/opt/cni/bin");
        return h;
    }

    private Response post(Map<String, String> headers, String body) {
        return router.dispatch("POST", "/v1/cni", Map.of(), headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(Response r) {
        assertThat(r.contentType()).isEqualTo("application/json");
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void addAnswersTheResult() {
        Response r = post(headers("ADD"), CONF);

        assertThat(r.status()).isEqualTo(200);
        JsonNode result = json(r);
        assertThat(result.get("cniVersion").asString()).isEqualTo("1.0.0");
        assertThat(result.get("ips").get(0).get("address").asString()).isEqualTo("10.200.0.2/32");
    }

    @Test
    void mapsTheHeadersToTheCniVariablesDecodingThem() {
        Map<String, String> h = headers("ADD");
        h.put("cni-containerid", "c%2D1");
        h.put("cni-netns", "/var/run/netns/cni-%C3%A9t%C3%A9");
        h.put("cni-args", "K8S_POD_NAMESPACE=d%C3%A9mo;K8S_POD_NAME=caf%C3%A9-0");

        assertThat(post(h, CONF).status()).isEqualTo(200);

        Endpoint ep = node.endpoints().find("c-1", "eth0").orElseThrow();
        assertThat(ep.netns()).isEqualTo("/var/run/netns/cni-été");
        assertThat(ep.podNamespace()).isEqualTo("démo");
        assertThat(ep.podName()).isEqualTo("café-0");
    }

    @Test
    void successWithoutOutputAnswers200WithAnEmptyBody() {
        post(headers("ADD"), CONF);

        Response r = post(headers("DEL"), CONF);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(node.endpoints().list()).isEmpty();
    }

    @Test
    void refusalIsACniErrorInTheRequestsVersion() {
        Map<String, String> h = headers("ADD");
        h.remove("cni-ifname");

        Response r = post(h, "{\"cniVersion\":\"0.4.0\",\"name\":\"porin\"}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(Json.MAPPER.writeValueAsString(json(r)))
                .isEqualTo("{\"cniVersion\":\"0.4.0\",\"code\":4,\"msg\":\"CNI_IFNAME: not set\"}");
    }

    @Test
    void unreadableConfigurationIsACniErrorInTheLatestVersion() {
        Response r = post(headers("ADD"), "{\"cniVersion\":");

        assertThat(r.status()).isEqualTo(400);
        JsonNode err = json(r);
        assertThat(err.get("cniVersion").asString()).isEqualTo("1.1.0");
        assertThat(err.get("code").asInt()).isEqualTo(6);
    }

    @Test
    void unexpectedFailureIsStillACniError() {
        post(headers("ADD"), CONF);
        node.network().failUnplumb(new IllegalStateException("RTM_DELLINK: netlink socket closed"));

        Response r = post(headers("DEL"), CONF);

        assertThat(r.status()).isEqualTo(500);
        JsonNode err = json(r);
        assertThat(err.get("cniVersion").asString()).isEqualTo("1.0.0");
        assertThat(err.get("code").isInt()).isTrue();
        assertThat(err.get("msg").asString()).contains("netlink socket closed");
    }
}
