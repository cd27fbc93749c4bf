// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e;

import dev.porin.api.v1.EndpointModel;
import dev.porin.e2e.harness.Bpftool;
import dev.porin.e2e.harness.Cmd;
import dev.porin.e2e.harness.Cni;
import dev.porin.e2e.harness.TestAgent;
import dev.porin.e2e.harness.TestPod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CNI plugin as a runtime calls it: DEL removes everything ADD made and may be repeated, CHECK, STATUS,
 * GC and VERSION answer per spec, and every failure is a CNI error object with the right code that leaves
 * nothing half-made.
 */
class CniLifecycleIT {

    private static TestAgent agent;

    @BeforeAll
    static void start() {
        agent = TestAgent.start("10.202.2.0/24");
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    private static List<EndpointModel> endpoints() {
        return agent.client().get("/v1/endpoint", new TypeReference<List<EndpointModel>>() { });
    }

    private static long lxcLinks() {
        return Cmd.check("ip", "-o", "link", "show").stdout().lines().filter(l -> l.contains(": lxc")).count();
    }

    @Test
    void delRemovesEverythingAddMade() throws Exception {
        try (TestPod pod = TestPod.attached(agent, "del", Map.of())) {
            String ip = pod.ip();
            String host = pod.hostInterface();
            assertThat(Cmd.run("ip", "link", "show", host).ok()).isTrue();
            assertThat(Bpftool.hasIpv4Key(agent.bpfRoot().resolve("porin_lxc"), ip)).isTrue();

            Cni.Outcome del = pod.del();

            assertThat(del.ok()).as(del.stdout()).isTrue();
            assertThat(del.stdout()).isEmpty();
            assertThat(Cmd.run("ip", "link", "show", host).ok()).as("host-side veth").isFalse();
            assertThat(pod.exec("ip", "link", "show", "eth0").ok()).as("pod-side veth").isFalse();
            assertThat(Cmd.check("ip", "route", "show", ip + "/32").stdout()).as("host route").isBlank();
            assertThat(Bpftool.hasIpv4Key(agent.bpfRoot().resolve("porin_lxc"), ip)).as("endpoint map entry").isFalse();
            assertThat(endpoints()).extracting(EndpointModel::containerId).doesNotContain(pod.containerId());
            assertThat(Files.readString(agent.stateDir().resolve("ipam.json"))).as("IPAM").doesNotContain("\"" + ip + "\"");
        }
    }

    @Test
    void delTwiceAndDelOfAnUnknownContainerSucceed() {
        try (TestPod pod = TestPod.attached(agent, "del2", Map.of())) {
            assertThat(pod.del().ok()).isTrue();
            assertThat(pod.del().ok()).as("second DEL").isTrue();
        }
        Cni cni = agent.cni();
        Cni.Outcome unknown = cni.invoke(cni.env("DEL", "never-added", null, "eth0", null),
                Cni.bytes(cni.config("1.1.0", Map.of(), null)));
        assertThat(unknown.ok()).as(unknown.stdout()).isTrue();
    }

    @Test
    void labelsAndPodIdentityComeFromTheRuntime() {
        try (TestPod pod = TestPod.attached(agent, "labels", Map.of("app", "db", "tier", "backend"))) {
            EndpointModel ep = endpoints().stream().filter(e -> e.containerId().equals(pod.containerId())).findFirst()
                    .orElseThrow();
            assertThat(ep.labels()).contains("k8s:app=db", "k8s:tier=backend");
            assertThat(ep.podNamespace()).isEqualTo("default");
            assertThat(ep.podName()).isEqualTo("labels");
            assertThat(ep.ipv4()).isEqualTo(pod.ip());
        }
    }

    @Test
    void resultFollowsTheRequestedSpecVersion() {
        try (TestPod pod = TestPod.create(agent, "v031")) {
            Cni cni = agent.cni();
            Cni.Outcome add = cni.invoke(cni.env("ADD", pod.containerId(), pod.netnsPath().toString(), "eth0", null),
                    Cni.bytes(cni.config("0.3.1", Map.of(), null)));
            assertThat(add.ok()).as(add.stdout()).isTrue();
            assertThat(add.json().path("cniVersion").asString()).isEqualTo("0.3.1");
            assertThat(add.json().path("ips").get(0).path("version").asString()).isEqualTo("4");
            Cni.Outcome del = cni.invoke(cni.env("DEL", pod.containerId(), pod.netnsPath().toString(), "eth0", null),
                    Cni.bytes(cni.config("0.3.1", Map.of(), null)));
            assertThat(del.ok()).isTrue();
        }
    }

    @Test
    void badJsonIsCode6() {
        try (TestPod pod = TestPod.create(agent, "badjson")) {
            Cni cni = agent.cni();
            String conf = "{\"cniVersion\":\"1.1.0\",\"name\":\"" + agent.network() + "\",\"socketPath\":\""
                    + agent.socket() + "\",\"plugins\": [";
            assertNothingHalfMade(() -> cni.invoke(cni.env("ADD", pod.containerId(), pod.netnsPath().toString(), "eth0", null),
                    conf.getBytes(StandardCharsets.UTF_8)), 6);
        }
    }

    @Test
    void missingVariablesAreCode4NamingThem() {
        try (TestPod pod = TestPod.create(agent, "noenv")) {
            Cni cni = agent.cni();
            byte[] conf = Cni.bytes(cni.config("1.1.0", Map.of(), null));
            Cni.Outcome noId = assertNothingHalfMade(() -> cni.invoke(
                    cni.env("ADD", null, pod.netnsPath().toString(), "eth0", null), conf), 4);
            assertThat(noId.msg()).contains("CNI_CONTAINERID");
            Cni.Outcome noNetns = assertNothingHalfMade(() -> cni.invoke(
                    cni.env("ADD", pod.containerId(), null, "eth0", null), conf), 4);
            assertThat(noNetns.msg()).contains("CNI_NETNS");
            Cni.Outcome noCommand = assertNothingHalfMade(() -> cni.invoke(
                    cni.env(null, pod.containerId(), pod.netnsPath().toString(), "eth0", null), conf), 4);
            assertThat(noCommand.msg()).contains("CNI_COMMAND");
            Cni.Outcome badIfname = assertNothingHalfMade(() -> cni.invoke(
                    cni.env("ADD", pod.containerId(), pod.netnsPath().toString(), "a/b", null), conf), 4);
            assertThat(badIfname.msg()).contains("CNI_IFNAME");
        }
    }

    @Test
    void unknownNetnsIsCode3() {
        Cni cni = agent.cni();
        Cni.Outcome out = assertNothingHalfMade(() -> cni.invoke(
                cni.env("ADD", "ghost", "/var/run/netns/pe2e-does-not-exist", "eth0", null),
                Cni.bytes(cni.config("1.1.0", Map.of(), null))), 3);
        assertThat(out.msg()).contains("/var/run/netns/pe2e-does-not-exist");
    }

    @Test
    void incompatibleVersionIsCode1() {
        try (TestPod pod = TestPod.create(agent, "v9")) {
            Cni cni = agent.cni();
            ObjectNode conf = cni.config("1.1.0", Map.of(), null);
            conf.put("cniVersion", "9.9.9");
            Cni.Outcome out = assertNothingHalfMade(() -> cni.invoke(
                    cni.env("ADD", pod.containerId(), pod.netnsPath().toString(), "eth0", null), Cni.bytes(conf)), 1);
            assertThat(out.json().path("cniVersion").asString()).isEqualTo("9.9.9");
        }
    }

    @Test
    void anInterfaceNameTakenInTheContainerIsRefused() {
        try (TestPod pod = TestPod.attached(agent, "taken", Map.of())) {
            Cni cni = agent.cni();
            Cni.Outcome again = assertNothingHalfMade(() -> cni.invoke(
                    cni.env("ADD", "other" + pod.containerId().substring(5), pod.netnsPath().toString(), "eth0", null),
                    Cni.bytes(cni.config("1.1.0", Map.of(), null))), 101);
            assertThat(again.msg()).contains("eth0");
            assertThat(Cmd.run("ping", "-c", "1", "-W", "1", pod.ip()).ok()).as("the first attachment is untouched").isTrue();
        }
    }

    @Test
    void checkFailsWhenThePodsInterfaceIsGone() {
        try (TestPod pod = TestPod.attached(agent, "chk", Map.of())) {
            assertThat(pod.check().ok()).isTrue();
            pod.exec("ip", "addr", "flush", "dev", "eth0");
            Cni.Outcome check = pod.check();
            assertThat(check.code()).isEqualTo(103);
            assertThat(check.json().path("details").asString()).contains(pod.ip());
        }
    }

    @Test
    void statusGcAndVersion() {
        Cni cni = agent.cni();
        byte[] conf = Cni.bytes(cni.config("1.1.0", Map.of(), null));
        assertThat(cni.invoke(cni.env("STATUS", null, null, null, null), conf).ok()).isTrue();

        try (TestPod keep = TestPod.attached(agent, "keep", Map.of()); TestPod stale = TestPod.attached(agent, "stale", Map.of())) {
            ObjectNode gc = cni.config("1.1.0", Map.of(), null);
            gc.putArray("cni.dev/valid-attachments").addObject().put("containerID", keep.containerId()).put("ifname", "eth0");
            Cni.Outcome out = cni.invoke(cni.env("GC", null, null, null, null), Cni.bytes(gc));
            assertThat(out.ok()).as(out.stdout()).isTrue();
            assertThat(endpoints()).extracting(EndpointModel::containerId)
                    .contains(keep.containerId()).doesNotContain(stale.containerId());
            assertThat(Cmd.run("ip", "link", "show", stale.hostInterface()).ok()).isFalse();
        }

        Cni.Outcome version = cni.invoke(cni.env("VERSION", null, null, null, null),
                "{\"cniVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(version.ok()).isTrue();
        assertThat(version.json().path("cniVersion").asString()).isEqualTo("1.0.0");
        assertThat(version.json().path("supportedVersions").toString()).contains("1.0.0", "1.1.0");
    }

    /** Runs a failing CNI call and checks it changed no endpoint, address or link. */
    private static Cni.Outcome assertNothingHalfMade(java.util.function.Supplier<Cni.Outcome> call, int expectedCode) {
        List<EndpointModel> before = endpoints();
        long linksBefore = lxcLinks();
        String ipamBefore = read(agent.stateDir().resolve("ipam.json"));

        Cni.Outcome out = call.get();

        assertThat(out.exitCode()).as("exit code of a failed call").isNotZero();
        assertThat(out.json().path("code").asInt()).as("CNI error code of " + out.stdout()).isEqualTo(expectedCode);
        assertThat(out.json().path("msg").asString()).isNotBlank();
        assertThat(endpoints()).isEqualTo(before);
        assertThat(lxcLinks()).isEqualTo(linksBefore);
        assertThat(allocations(read(agent.stateDir().resolve("ipam.json")))).isEqualTo(allocations(ipamBefore));
        return out;
    }

    private static String allocations(String ipamJson) {
        return dev.porin.api.Json.MAPPER.readTree(ipamJson).path("allocations").toString();
    }

    private static String read(java.nio.file.Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
