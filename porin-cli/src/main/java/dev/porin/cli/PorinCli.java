// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli;

import dev.porin.cli.client.AgentException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code porin} command. {@code porin agent} and {@code porin cleanup} are started by the launcher directly. */
@Command(name = "porin", mixinStandardHelpOptions = true,
        versionProvider = PorinCli.VersionProvider.class,
        description = "eBPF networking, identity-based security and flow observability for Kubernetes nodes.",
        subcommands = {StatusCommand.class, ObserveCommand.class, MonitorCommand.class, EndpointCommand.class, IdentityCommand.class, PolicyCommand.class,
                ApplyCommand.Apply.class, ApplyCommand.Delete.class, BpfCommand.class, VersionCommand.class,
                DemoCommand.class, CommandLine.HelpCommand.class})
public final class PorinCli {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        CommandLine cmd = new CommandLine(new PorinCli());
        cmd.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof AgentException || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                line.getErr().println("Error: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cmd.execute(args);
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"porin " + dev.porin.api.Version.current()};
        }
    }
}
