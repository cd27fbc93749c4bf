// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.node;

import dev.porin.agent.AgentConfig;
import dev.porin.agent.ObserveConfig;
import dev.porin.api.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class CniInstallerTest {

    @TempDir
    Path dir;

    private AgentConfig config() {
        AgentConfig d = AgentConfig.defaults();
        return new AgentConfig(dir.resolve("state"), dir.resolve("run/porin.sock"), d.bpfRoot(), dir.resolve("bin"),
                dir.resolve("net.d"), "kind-net", d.podCidr(), d.hostDevice(), d.mtu(), d.ctMaxEntries(),
                d.ctGcInterval(), d.policyMapMaxEntries(), false, ObserveConfig.DEFAULTS);
    }

    @Test
    void conflistOffers100AndLetsNewerRuntimesPick110() {
        JsonNode list = Json.MAPPER.readTree(CniInstaller.conflist(config()));

        assertThat(list.get("cniVersion").asString()).isEqualTo("1.0.0");
        assertThat(list.get("cniVersions")).extracting(JsonNode::asString).contains("1.0.0", "1.1.0");
        assertThat(list.get("name").asString()).isEqualTo("kind-net");
    }

    @Test
    void conflistPointsThePluginAtTheAgentsSocket() {
        JsonNode plugins = Json.MAPPER.readTree(CniInstaller.conflist(config())).get("plugins");

        assertThat(plugins).hasSize(1);
        assertThat(plugins.get(0).get("type").asString()).isEqualTo("porin-cni");
        assertThat(plugins.get(0).get("socketPath").asString()).isEqualTo(dir.resolve("run/porin.sock").toString());
    }

    @Test
    void installsAnExecutablePluginAndAReadableConflist() throws Exception {
        AgentConfig config = config();

        CniInstaller.install(config);

        assertThat(config.cniPlugin()).isExecutable();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.cniPlugin()))).isEqualTo("rwxr-xr-x");
        assertThat(config.cniConfFile()).hasFileName("05-kind-net.conflist")
                .hasBinaryContent(CniInstaller.conflist(config));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.cniConfFile()))).isEqualTo("rw-r--r--");
        try (var files = Files.list(config.cniConfDir())) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void leavesCurrentFilesAlone() throws Exception {
        AgentConfig config = config();
        CniInstaller.install(config);
        FileTime past = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(config.cniConfFile(), past);
        Files.setLastModifiedTime(config.cniPlugin(), past);

        CniInstaller.install(config);

        assertThat(Files.getLastModifiedTime(config.cniConfFile())).isEqualTo(past);
        assertThat(Files.getLastModifiedTime(config.cniPlugin())).isEqualTo(past);
    }

    @Test
    void replacesAStaleConflist() throws Exception {
        AgentConfig config = config();
        Files.createDirectories(config.cniConfDir());
        Files.writeString(config.cniConfFile(), "{\"cniVersion\":\"0.3.1\"}");

        CniInstaller.install(config);

        assertThat(config.cniConfFile()).hasBinaryContent(CniInstaller.conflist(config));
    }
}
