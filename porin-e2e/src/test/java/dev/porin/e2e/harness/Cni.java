// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e.harness;

import dev.porin.api.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calls the installed {@code porin-cni} the way a container runtime does: the {@code CNI_*} variables in
 * a clean environment and the plugin's entry of the installed conflist on stdin, with {@code name} and
 * {@code cniVersion} filled in from the list.
 */
public final class Cni {

    /** What the plugin printed and how it exited. */
    public record Outcome(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        public JsonNode json() {
            return Json.MAPPER.readTree(stdout);
        }

        /** The error code, or 0 for success. */
        public int code() {
            return ok() ? 0 : json().path("code").asInt();
        }

        public String msg() {
            return json().path("msg").asString();
        }
    }

    private final TestAgent agent;

    Cni(TestAgent agent) {
        this.agent = agent;
    }

    public Outcome invoke(Map<String, String> env, byte[] stdin) {
        Cmd.Result r = Cmd.run(List.of(agent.cniBinDir().resolve("porin-cni").toString()), env, stdin);
        return new Outcome(r.exitCode(), r.stdout(), r.stderr());
    }

    public Map<String, String> env(String command, String containerId, String netns, String ifname, String args) {
        Map<String, String> env = new LinkedHashMap<>();
        put(env, "CNI_COMMAND", command);
        put(env, "CNI_CONTAINERID", containerId);
        put(env, "CNI_NETNS", netns);
        put(env, "CNI_IFNAME", ifname);
        put(env, "CNI_ARGS", args);
        env.put("CNI_PATH", agent.cniBinDir().toString());
        return env;
    }

    private static void put(Map<String, String> env, String key, String value) {
        if (value != null) {
            env.put(key, value);
        }
    }

    /** The plugin configuration a runtime derives from the installed conflist. */
    public ObjectNode config(String version, Map<String, String> labels, JsonNode prevResult) {
        ObjectNode list = (ObjectNode) Json.MAPPER.readTree(agent.cniConfFile().toFile());
        ObjectNode conf = (ObjectNode) list.get("plugins").get(0).deepCopy();
        conf.put("cniVersion", version);
        conf.put("name", list.get("name").asString());
        if (!labels.isEmpty()) {
            ArrayNode l = conf.putObject("args").putObject("cni").putArray("labels");
            labels.forEach((k, v) -> l.addObject().put("key", k).put("value", v));
        }
        if (prevResult != null) {
            conf.set("prevResult", prevResult);
        }
        return conf;
    }

    public static byte[] bytes(JsonNode json) {
        return Json.MAPPER.writeValueAsBytes(json);
    }
}
