// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent;

import dev.porin.agent.node.CniInstaller;
import dev.porin.agent.node.HostDevice;
import dev.porin.agent.node.KernelPodNetwork;
import dev.porin.datapath.Datapath;
import dev.porin.endpoint.EndpointStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import sun.misc.Signal;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code porin agent}: runs the node agent in the foreground until SIGTERM or SIGINT, and
 * {@code porin cleanup}: removes everything Porin put on the node. Every flag can also be given in a YAML
 * or JSON config file ({@code --config-file}), keyed by the flag's name; flags win over the file.
 */
@Command(name = "agent", mixinStandardHelpOptions = true, versionProvider = AgentMain.VersionProvider.class,
        description = "Run the Porin node agent in the foreground.",
        subcommands = AgentMain.Cleanup.class)
public final class AgentMain implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(AgentMain.class);

    @Mixin
    AgentOptions options;

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        CommandLine cmd = new CommandLine(new AgentMain());
        cmd.setDefaultValueProvider(new ConfigFileDefaults(args));
        cmd.setExecutionExceptionHandler((e, line, parsed) -> {
            LOG.atError().setCause(e).log("porin agent failed: " + e.getMessage());
            return 1;
        });
        System.exit(cmd.execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        AgentConfig config = options.config();
        requireRoot();
        CountDownLatch stop = new CountDownLatch(1);
        // SIGTERM and SIGINT stop the agent in order and exit 0: a requested stop is not a failure.
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> stop.countDown());
        }
        try (Agent agent = Agent.start(config)) {
            stop.await();
        }
        return 0;
    }

    static void requireRoot() {
        try {
            if (!Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0)) {
                throw new IllegalStateException("the agent loads eBPF programs and plumbs pods: run it as root");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot tell whether this runs as root: " + e.getMessage(), e);
        }
    }

    /** {@code porin cleanup}: the reverse of running the agent, for taking Porin off a node. */
    @Command(name = "cleanup", mixinStandardHelpOptions = true,
            description = "Remove Porin from this node: pods' interfaces, the datapath, the CNI plugin and all state. "
                    + "Stop the agent first.")
    static final class Cleanup implements Callable<Integer> {

        @Mixin
        AgentOptions options;

        @Override
        public Integer call() {
            AgentConfig config = options.config();
            requireRoot();
            var lock = Agent.lockStateDir(config);
            try {
                Files.deleteIfExists(config.socket());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                Agent.release(lock);
            }
            for (var ep : new EndpointStore(config.stateDir().resolve("endpoints")).loadAll()) {
                KernelPodNetwork.removeHostSide(ep.hostIfname());
                LOG.atInfo().addKeyValue("interface", ep.hostIfname()).log("Removed pod interface");
            }
            HostDevice.remove(config.hostDevice());
            Datapath.unpinAll(config.bpfRoot());
            CniInstaller.uninstall(config);
            deleteTree(config.stateDir());
            LOG.info("Porin removed from this node");
            return 0;
        }

        private static void deleteTree(Path dir) {
            if (!Files.exists(dir)) {
                return;
            }
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot remove " + dir, e);
            }
        }
    }

    /** Values from {@code --config-file}, used for flags not given on the command line. */
    static final class ConfigFileDefaults implements CommandLine.IDefaultValueProvider {
        private final JsonNode values;

        ConfigFileDefaults(String[] args) {
            JsonNode v = null;
            for (int i = 0; i < args.length; i++) {
                String file = args[i].startsWith("--config-file=") ? args[i].substring("--config-file=".length())
                        : args[i].equals("--config-file") && i + 1 < args.length ? args[i + 1] : null;
                if (file != null) {
                    try {
                        v = new YAMLMapper().readTree(Path.of(file).toFile());
                    } catch (RuntimeException e) {
                        throw new CommandLine.InitializationException("--config-file " + file + ": " + e.getMessage());
                    }
                }
            }
            this.values = v;
        }

        @Override
        public String defaultValue(CommandLine.Model.ArgSpec spec) {
            if (values == null || !(spec instanceof CommandLine.Model.OptionSpec opt)) {
                return null;
            }
            JsonNode v = values.get(opt.longestName().replaceFirst("^--", ""));
            return v == null || v.isNull() ? null : v.asString();
        }
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"porin agent " + dev.porin.api.Version.current()};
        }
    }
}
