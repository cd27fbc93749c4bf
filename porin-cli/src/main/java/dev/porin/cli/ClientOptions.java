// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli;

import dev.porin.api.Json;
import dev.porin.cli.client.AgentClient;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;

/** Options every command that talks to the agent shares: where the agent is, and how to print. */
public final class ClientOptions {

    public static final Path DEFAULT_SOCKET = Path.of("/var/run/porin/porin.sock");

    @Option(names = {"-H", "--socket"}, paramLabel = "PATH",
            description = "The agent's API socket (default: $PORIN_SOCKET or ${DEFAULT-VALUE}).")
    Path socket = defaultSocket();

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "Output format: text or json.")
    String output = "text";

    /** {@code $PORIN_SOCKET}, else {@link #DEFAULT_SOCKET}. */
    public static Path defaultSocket() {
        String env = System.getenv("PORIN_SOCKET");
        return env != null ? Path.of(env) : DEFAULT_SOCKET;
    }

    public AgentClient client() {
        return new AgentClient(socket);
    }

    public boolean json() {
        return switch (output) {
            case "json" -> true;
            case "text" -> false;
            default -> throw new IllegalArgumentException("--output: '" + output + "' is not one of text, json");
        };
    }

    /** Prints {@code value} as indented JSON, as {@code -o json} does everywhere. */
    public static void printJson(PrintWriter out, Object value) {
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    }
}
