// SPDX-License-Identifier: Apache-2.0
package dev.porin.cni;

import dev.porin.endpoint.Endpoint;
import dev.porin.endpoint.EndpointManager;
import dev.porin.endpoint.PodNetwork;
import dev.porin.testing.FakeNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CniServiceTest {

    @TempDir
    Path stateDir;

    private FakeNode node;
    private CniService service;

    private void start(String cidr) {
        node = FakeNode.start(stateDir, cidr);
        service = new CniService(node.endpoints(), node.ipam(), FakeNode.MTU);
    }

    private void start() {
        start("10.200.0.0/24");
    }

    private static String conf(String version, String network, String extra) {
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"" + network + "\",\"type\":\"porin-cni\""
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private static CniRequest request(String command, String containerId, String conf) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        if (containerId != null) {
            env.put("CNI_CONTAINERID", containerId);
            env.put("CNI_NETNS", FakeNode.netns(containerId));
            env.put("CNI_IFNAME", "eth0");
            env.put("CNI_ARGS", "K8S_POD_NAMESPACE=default;K8S_POD_NAME=" + containerId);
        }
        return CniRequest.parse(env::get, conf.getBytes(StandardCharsets.UTF_8));
    }

    private ObjectNode add(String containerId) {
        return service.handle(request("ADD", containerId, conf("1.1.0", FakeNode.NETWORK, "")));
    }

    private ObjectNode check(String containerId, String version, ObjectNode prevResult) {
        return service.handle(request("CHECK", containerId, conf(version, FakeNode.NETWORK,
                prevResult == null ? "" : "\"prevResult\":" + prevResult)));
    }

    private void assertFails(Runnable call, int code) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    private Endpoint endpoint(String containerId) {
        return node.endpoints().find(containerId, "eth0").orElseThrow();
    }

    @Test
    void addAnswersWithTheAllocatedAddress() {
        start();
        ObjectNode result = service.handle(request("ADD", "c1", conf("1.0.0", FakeNode.NETWORK,
                "\"args\":{\"cni\":{\"labels\":[{\"key\":\"app\",\"value\":\"web\"}]}}")));

        Endpoint ep = endpoint("c1");
        assertThat(result.get("cniVersion").asString()).isEqualTo("1.0.0");
        assertThat(CniResult.addresses(result)).containsExactly(ep.ipv4().getHostAddress() + "/32");
        assertThat(node.ipam().allocations()).containsEntry(ep.ipv4(), "c1/eth0");
        assertThat(ep.podNamespace()).isEqualTo("default");
        assertThat(ep.podName()).isEqualTo("c1");
        assertThat(ep.labels()).containsExactly(Map.entry("app", "web"));
    }

    @Test
    void deleteOfAnUnknownContainerSucceeds() {
        start();
        assertThat(service.handle(request("DEL", "never-added", conf("1.1.0", FakeNode.NETWORK, "")))).isNull();
    }

    @Test
    void deleteTwiceSucceeds() {
        start();
        add("c1");
        CniRequest del = request("DEL", "c1", conf("1.1.0", FakeNode.NETWORK, ""));

        assertThat(service.handle(del)).isNull();
        assertThat(service.handle(del)).isNull();
        assertThat(node.endpoints().list()).isEmpty();
        assertThat(node.ipam().allocations()).isEmpty();
    }

    @Test
    void secondAddOfTheSameInterfaceFailsAndKeepsTheFirst() {
        start();
        add("c1");
        Endpoint first = endpoint("c1");

        assertFails(() -> add("c1"), CniException.INTERFACE_EXISTS);

        assertThat(node.endpoints().list()).containsExactly(first);
        assertThat(node.ipam().allocations()).containsOnlyKeys(first.ipv4());
        assertThat(node.network().linkNames()).containsExactly(first.hostIfname());
        assertThat(node.endpointMap().count()).isEqualTo(1);
    }

    @Test
    void exhaustedPoolFailsWithoutMakingAnything() {
        start("10.200.0.0/30");
        add("c1");

        assertFails(() -> add("c2"), CniException.POOL_EXHAUSTED);

        assertThat(node.endpoints().list()).extracting(Endpoint::containerId).containsExactly("c1");
        assertThat(node.ipam().allocations()).hasSize(1);
        assertThat(node.endpointMap().count()).isEqualTo(1);
        assertThat(node.network().plumbed()).extracting(PodNetwork.PodSpec::netns).containsExactly(FakeNode.netns("c1"));
    }

    @Test
    void missingNamespaceFailsAsUnknownContainer() {
        start();
        node.network().removeNetns(FakeNode.netns("c1"));

        assertFails(() -> add("c1"), CniException.CONTAINER_UNKNOWN);

        assertThat(node.ipam().allocations()).isEmpty();
        assertThat(node.endpoints().list()).isEmpty();
    }

    @Test
    void checkNeedsThePreviousResult() {
        start();
        add("c1");
        assertFails(() -> check("c1", "1.1.0", null), CniException.INVALID_CONFIG);
    }

    @Test
    void checkOfAnUnknownContainerFails() {
        start();
        ObjectNode result = add("c1");
        assertFails(() -> check("c2", "1.1.0", result), CniException.CHECK_FAILED);
    }

    @Test
    void checkPassesWhileEverythingIsAsAddLeftIt() {
        start();
        ObjectNode result = add("c1");
        assertThat(check("c1", "1.1.0", result)).isNull();
    }

    @Test
    void checkListsEveryProblemItFinds() {
        start();
        ObjectNode result = add("c1");
        Endpoint ep = endpoint("c1");
        node.network().detach(ep.hostIfname());
        node.network().changePodInterface(FakeNode.netns("c1"), "eth0",
                i -> new PodNetwork.PodInterface(i.name(), i.mac(), false, List.of(), i.defaultGateway()));

        assertThatThrownBy(() -> check("c1", "1.1.0", result))
                .isInstanceOfSatisfying(CniException.class, e -> {
                    assertThat(e.code()).isEqualTo(CniException.CHECK_FAILED);
                    assertThat(e.details()).contains("not attached to " + ep.hostIfname(),
                            "does not have address " + ep.ipv4().getHostAddress() + "/32", "eth0 is down");
                });
    }

    @Test
    void checkFailsWhenThePreviousResultListsAnotherAddress() {
        start();
        add("c1");
        ObjectNode other = add("c2");

        assertThatThrownBy(() -> check("c1", "1.1.0", other))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.details()).contains("prevResult"));
    }

    @Test
    void checkIsNotPartOfVersion031() {
        start();
        ObjectNode result = add("c1");
        assertFails(() -> check("c1", "0.3.1", result), CniException.INCOMPATIBLE_VERSION);
    }

    @Test
    void statusIsOkWhileAddressesAreFree() {
        start("10.200.0.0/30");
        assertThat(service.handle(request("STATUS", null, conf("1.1.0", FakeNode.NETWORK, "")))).isNull();
    }

    @Test
    void statusReportsAFullPoolAsUnavailable() {
        start("10.200.0.0/30");
        add("c1");
        assertFails(() -> service.handle(request("STATUS", null, conf("1.1.0", FakeNode.NETWORK, ""))),
                CniException.NOT_AVAILABLE);
    }

    @Test
    void statusIsNotPartOfVersion100() {
        start();
        assertFails(() -> service.handle(request("STATUS", null, conf("1.0.0", FakeNode.NETWORK, ""))),
                CniException.INCOMPATIBLE_VERSION);
    }

    @Test
    void gcRemovesOnlyThisNetworksEndpointsThatAreNoLongerValid() {
        start();
        add("c1");
        add("c2");
        add("c3");
        service.handle(request("ADD", "c9", conf("1.1.0", "other", "")));
        String gone = endpoint("c2").hostIfname();

        service.handle(request("GC", null, conf("1.1.0", FakeNode.NETWORK,
                "\"cni.dev/valid-attachments\":[{\"containerID\":\"c1\",\"ifname\":\"eth0\"},"
                        + "{\"containerID\":\"c9\",\"ifname\":\"eth0\"}]")));

        assertThat(node.endpoints().list()).extracting(Endpoint::containerId).containsExactlyInAnyOrder("c1", "c9");
        assertThat(node.ipam().allocations().values()).containsExactlyInAnyOrder("c1/eth0", "c9/eth0");
        assertThat(node.network().unplumbed()).contains(gone, EndpointManager.hostIfname("c3", "eth0"));
    }

    @Test
    void gcNeedsTheListOfValidAttachments() {
        start();
        add("c1");

        assertFails(() -> service.handle(request("GC", null, conf("1.1.0", FakeNode.NETWORK, ""))),
                CniException.INVALID_CONFIG);
        assertThat(node.endpoints().list()).hasSize(1);
    }
}
