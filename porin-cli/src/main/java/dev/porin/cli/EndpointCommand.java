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
        subcommands = {EndpointCommand.ListCommand.class, EndpointCommand.GetCommand.class,
                EndpointCommand.LabelsCommand.class, EndpointCommand.ConfigCommand.class})
final class EndpointCommand {

    @Command(name = "labels", mixinStandardHelpOptions = true,
            description = "Add or delete labels of an endpoint; its identity follows.")
    static final class LabelsCommand implements Runnable {
        @Mixin
        ClientOptions options;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "Endpoint ID.")
        int id;

        @picocli.CommandLine.Option(names = {"-a", "--add"}, paramLabel = "KEY=VALUE", description = "A label to add.")
        java.util.List<String> add = java.util.List.of();

        @picocli.CommandLine.Option(names = {"-d", "--delete"}, paramLabel = "KEY", description = "A label to delete.")
        java.util.List<String> delete = java.util.List.of();

        @Override
        public void run() {
            java.util.Map<String, String> added = new java.util.LinkedHashMap<>();
            for (String a : add) {
                String l = a.startsWith("k8s:") ? a.substring(4) : a;
                int eq = l.indexOf('=');
                added.put(eq < 0 ? l : l.substring(0, eq), eq < 0 ? "" : l.substring(eq + 1));
            }
            java.util.List<String> deleted = delete.stream().map(d -> d.startsWith("k8s:") ? d.substring(4) : d).toList();
            EndpointModel ep = options.client().send("PATCH", "/v1/endpoint/" + id + "/labels",
                    new dev.porin.api.v1.LabelsChange(added, deleted), EndpointModel.class);
            PrintWriter out = spec.commandLine().getOut();
            if (options.json()) {
                ClientOptions.printJson(out, ep);
                return;
            }
            out.println("Endpoint " + ep.id() + ": identity " + ep.identity());
            ep.labels().forEach(l -> out.println("  " + l));
            out.flush();
        }
    }

    @Command(name = "config", mixinStandardHelpOptions = true,
            description = "Change an endpoint's options: PolicyAuditMode=Enabled|Disabled.")
    static final class ConfigCommand implements Runnable {
        @Mixin
        ClientOptions options;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ID", description = "Endpoint ID.")
        int id;

        @Parameters(index = "1", paramLabel = "OPTION=VALUE", description = "PolicyAuditMode=Enabled or =Disabled.")
        String setting;

        @Override
        public void run() {
            String[] kv = setting.split("=", 2);
            if (kv.length != 2 || !kv[0].equalsIgnoreCase("PolicyAuditMode")) {
                throw new IllegalArgumentException("unknown option '" + setting + "'; known: PolicyAuditMode=Enabled|Disabled");
            }
            boolean on = switch (kv[1].toLowerCase(java.util.Locale.ROOT)) {
                case "enabled", "true", "on" -> true;
                case "disabled", "false", "off" -> false;
                default -> throw new IllegalArgumentException("PolicyAuditMode: '" + kv[1] + "' is not Enabled or Disabled");
            };
            EndpointModel ep = options.client().send("PATCH", "/v1/endpoint/" + id + "/config",
                    new dev.porin.api.v1.EndpointConfigChange(on), EndpointModel.class);
            PrintWriter out = spec.commandLine().getOut();
            out.println("Endpoint " + ep.id() + ": policy enforcement ingress " + ep.policy().ingress() + ", egress "
                    + ep.policy().egress());
            out.flush();
        }
    }

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
