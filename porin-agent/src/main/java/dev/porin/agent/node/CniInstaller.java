// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.node;

import dev.porin.agent.AgentConfig;
import dev.porin.api.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * Puts the CNI plugin where runtimes look for it: the {@code porin-cni} executable into the CNI bin
 * directory and the network's conflist into the CNI conf directory. Both are replaced by an atomic rename,
 * so a runtime never execs half a binary or reads half a config, and left alone when already current, so
 * that runtimes watching the directory see no churn.
 */
public final class CniInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(CniInstaller.class);
    private static final String PLUGIN_RESOURCE = "/dev/porin/cni/porin-cni";

    private CniInstaller() {
    }

    public static void install(AgentConfig config) {
        replaceIfChanged(config.cniPlugin(), plugin(), "rwxr-xr-x");
        replaceIfChanged(config.cniConfFile(), conflist(config), "rw-r--r--");
        LOG.atInfo().addKeyValue("plugin", config.cniPlugin()).addKeyValue("config", config.cniConfFile())
                .log("CNI plugin installed");
    }

    /**
     * The network configuration: CNI 1.0.0 for runtimes that know no newer, 1.1.0 (STATUS, GC) for those
     * that do. The plugin finds the agent through {@code socketPath}.
     */
    static byte[] conflist(AgentConfig config) {
        ObjectNode list = Json.MAPPER.createObjectNode();
        list.put("cniVersion", "1.0.0");
        ArrayNode versions = list.putArray("cniVersions");
        versions.add("0.3.1").add("0.4.0").add("1.0.0").add("1.1.0");
        list.put("name", config.cniNetwork());
        ObjectNode plugin = list.putArray("plugins").addObject();
        plugin.put("type", "porin-cni");
        plugin.put("socketPath", config.socket().toString());
        return (Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(list) + "\n").getBytes();
    }

    private static byte[] plugin() {
        try (InputStream in = CniInstaller.class.getResourceAsStream(PLUGIN_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(PLUGIN_RESOURCE + " is missing from the class path; the build compiles it");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void replaceIfChanged(Path target, byte[] content, String mode) {
        try {
            if (Files.exists(target) && Arrays.equals(Files.readAllBytes(target), content)) {
                return;
            }
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
            Files.write(tmp, content);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install " + target, e);
        }
    }

    /** Removes what {@link #install} put in place (uninstall). */
    public static void uninstall(AgentConfig config) {
        try {
            Files.deleteIfExists(config.cniConfFile());
            Files.deleteIfExists(config.cniPlugin());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
