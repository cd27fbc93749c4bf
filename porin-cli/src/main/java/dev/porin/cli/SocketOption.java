// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli;

import dev.porin.cli.client.AgentClient;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where the agent is, for commands with output formats of their own (so without {@link ClientOptions}' -o). */
final class SocketOption {

    @Option(names = {"-H", "--socket"}, paramLabel = "PATH",
            description = "The agent's API socket (default: $PORIN_SOCKET or ${DEFAULT-VALUE}).")
    Path socket = ClientOptions.defaultSocket();

    AgentClient client() {
        return new AgentClient(socket);
    }
}
