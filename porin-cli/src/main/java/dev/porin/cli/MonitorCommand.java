// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli;

import dev.porin.api.Json;
import dev.porin.api.v1.MonitorEventModel;
import dev.porin.cli.client.AgentClient;
import dev.porin.cli.observe.MonitorLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** {@code porin monitor}: datapath events as they happen, in {@code cilium-dbg monitor}'s lines. */
@Command(name = "monitor", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Show datapath events as they happen: drops, traces and policy verdicts, with the policies that decided.")
final class MonitorCommand implements Runnable {

    private static final List<String> TYPES = List.of("drop", "trace", "policy-verdict");
    /** Tolerates fields a newer agent adds. */
    private static final ObjectReader EVENT = Json.MAPPER.readerFor(MonitorEventModel.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Option(names = {"-t", "--type"}, paramLabel = "TYPE", description = "Only events of this type: drop, trace or policy-verdict.")
    List<String> types = new ArrayList<>();

    @Option(names = "--related-to", paramLabel = "EPID", description = "Only events about this endpoint.")
    Integer relatedTo;

    @Option(names = {"-n", "--numeric"}, description = "Print reserved identities as numbers too.")
    boolean numeric;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "text (default) or json: one event per line.")
    String output = "text";

    @Mixin
    SocketOption agent;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        boolean json = switch (output) {
            case "json" -> true;
            case "text" -> false;
            default -> throw new IllegalArgumentException("--output: '" + output + "' is not one of text, json");
        };
        PrintWriter out = spec.commandLine().getOut();
        try (AgentClient.LineStream events = agent.client().open("GET", path(), null)) {
            if (!json) {
                out.println("Listening for events on the datapath...");
                out.println("Press Ctrl-C to quit");
                out.flush();
            }
            for (String line = events.next(); line != null && !out.checkError(); line = events.next()) {
                if (!line.isBlank()) {
                    out.println(json ? line : MonitorLines.line(EVENT.readValue(line), numeric));
                    out.flush();
                }
            }
        }
    }

    /** {@code /v1/monitor?type=drop&related-to=12}. */
    String path() {
        StringBuilder query = new StringBuilder();
        for (String t : types) {
            if (!TYPES.contains(t)) {
                throw new IllegalArgumentException("--type: unknown event type '" + t + "' (expected drop, trace or policy-verdict)");
            }
            query.append(query.isEmpty() ? "?" : "&").append("type=").append(t);
        }
        if (relatedTo != null) {
            query.append(query.isEmpty() ? "?" : "&").append("related-to=").append(relatedTo);
        }
        return "/v1/monitor" + query;
    }
}
