// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli;

import dev.porin.api.v1.EndpointModel;
import dev.porin.cli.format.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.type.TypeReference;

import java.io.PrintWriter;
import java.util.List;

/** {@code porin endpoint list|get}. */
@Command(name = "endpoint", mixinStandardHelpOptions = true, description = "Inspect the endpoints on this node.",
        subcommands = {EndpointCommand.ListCommand.class, EndpointCommand.GetCommand.class})
final class EndpointCommand {

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List endpoints.")
    static final class ListCommand implements Runnable {
        @Mixin
        ClientOptions options;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            List<EndpointModel> eps = options.client().get("/v1/endpoint", new TypeReference<List<EndpointModel>>() { });
            PrintWriter out = spec.commandLine().getOut();
            if (options.json()) {
                ClientOptions.printJson(out, eps);
                return;
            }
            out.print(render(eps));
            out.flush();
        }

        static String render(List<EndpointModel> eps) {
            Table t = new Table()
                    .header("ENDPOINT", "POLICY (ingress)", "POLICY (egress)", "IDENTITY", "LABELS (source:key[=value])", "IPv6", "IPv4", "STATUS")
                    .header("", "ENFORCEMENT", "ENFORCEMENT", "", "", "", "", "");
            for (EndpointModel ep : eps) {
                List<String> labels = ep.labels().isEmpty() ? List.of("reserved:init") : ep.labels();
                t.row(ep.id(), ep.policy().ingress(), ep.policy().egress(), ep.identity(), String.join("\n", labels), "",
                        ep.ipv4(), ep.state());
            }
            return t.render();
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one endpoint, as JSON.")
    static final class GetCommand implements Runnable {
        @Mixin
        ClientOptions options;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "Endpoint ID.")
        int id;

        @Override
        public void run() {
            EndpointModel ep = options.client().get("/v1/endpoint/" + id, EndpointModel.class);
            ClientOptions.printJson(spec.commandLine().getOut(), List.of(ep));
        }
    }
}
