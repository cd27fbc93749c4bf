// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e.harness;

import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A pod: a network namespace named {@code pe2e-<agent suffix>-<name>} (or {@code pe2e-<agent suffix>-<k8s
 * namespace>-<name>} outside the {@code default} namespace), and its attachment to the agent's network
 * through CNI ADD, which tells the agent the pod's Kubernetes namespace and name in {@code CNI_ARGS}.
 * Closing it deletes the attachment (if the agent runs) and the namespace.
 */
public final class TestPod implements AutoCloseable {

    public static final String CNI_VERSION = "1.1.0";

    public static final String DEFAULT_NAMESPACE = "default";

    private final TestAgent agent;
    private final String namespace;
    private final String name;
    private final String netns;
    private final String containerId;
    private JsonNode result;

    private TestPod(TestAgent agent, String namespace, String name) {
        this.agent = agent;
        this.namespace = namespace;
        this.name = name;
        this.netns = "pe2e-" + agent.suffix() + "-" + (namespace.equals(DEFAULT_NAMESPACE) ? "" : namespace + "-") + name;
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        this.containerId = HexFormat.of().formatHex(id);
    }

    /** The network namespace alone, not yet attached; a pod of Kubernetes namespace {@code default}. */
    public static TestPod create(TestAgent agent, String name) {
        return create(agent, DEFAULT_NAMESPACE, name);
    }

    /** The network namespace alone, not yet attached, for pod {@code name} of Kubernetes {@code namespace}. */
    public static TestPod create(TestAgent agent, String namespace, String name) {
        TestPod pod = new TestPod(agent, namespace, name);
        Cmd.check("ip", "netns", "add", pod.netns);
        return pod;
    }

    /** A pod of namespace {@code default} attached with CNI ADD; fails the test if ADD fails. */
    public static TestPod attached(TestAgent agent, String name, Map<String, String> labels) {
        return attached(agent, DEFAULT_NAMESPACE, name, labels);
    }

    /** Pod {@code name} of Kubernetes {@code namespace}, attached with CNI ADD; fails the test if ADD fails. */
    public static TestPod attached(TestAgent agent, String namespace, String name, Map<String, String> labels) {
        TestPod pod = create(agent, namespace, name);
        try {
            Cni.Outcome out = pod.add(labels);
            if (!out.ok()) {
                throw new AssertionError("CNI ADD for " + namespace + "/" + name + " failed: " + out.stdout() + out.stderr());
            }
            return pod;
        } catch (RuntimeException | AssertionError e) {
            pod.close();
            throw e;
        }
    }

    public Cni.Outcome add(Map<String, String> labels) {
        Cni cni = agent.cni();
        Cni.Outcome out = cni.invoke(cni.env("ADD", containerId, netnsPath().toString(), "eth0", args()),
                Cni.bytes(cni.config(CNI_VERSION, labels, null)));
        if (out.ok()) {
            result = out.json();
        }
        return out;
    }

    public Cni.Outcome del() {
        Cni cni = agent.cni();
        return cni.invoke(cni.env("DEL", containerId, netnsPath().toString(), "eth0", args()),
                Cni.bytes(cni.config(CNI_VERSION, Map.of(), result)));
    }

    public Cni.Outcome check() {
        Cni cni = agent.cni();
        return cni.invoke(cni.env("CHECK", containerId, netnsPath().toString(), "eth0", args()),
                Cni.bytes(cni.config(CNI_VERSION, Map.of(), result)));
    }

    private String args() {
        return "IgnoreUnknown=1;K8S_POD_NAMESPACE=" + namespace + ";K8S_POD_NAME=" + name;
    }

    public String name() {
        return name;
    }

    /** The pod's Kubernetes namespace. */
    public String namespace() {
        return namespace;
    }

    public String containerId() {
        return containerId;
    }

    public String netnsName() {
        return netns;
    }

    public Path netnsPath() {
        return Path.of("/var/run/netns", netns);
    }

    /** The ADD result. */
    public JsonNode result() {
        return result;
    }

    /** The pod's address, from the ADD result. */
    public String ip() {
        String address = result.path("ips").get(0).path("address").asString();
        return address.substring(0, address.indexOf('/'));
    }

    /** The host side of the pod's veth, from the ADD result. */
    public String hostInterface() {
        return result.path("interfaces").get(0).path("name").asString();
    }

    /** Runs a command inside the pod's namespace. */
    public Cmd.Result exec(String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        cmd.addAll(List.of(command));
        return Cmd.run(cmd, null, null);
    }

    public boolean ping(String ip) {
        return exec("ping", "-c", "1", "-W", "1", ip).ok();
    }

    @Override
    public void close() {
        try {
            if (result != null && agent.isRunning()) {
                del();
            }
        } finally {
            Cmd.run("ip", "netns", "del", netns);
        }
    }
}
