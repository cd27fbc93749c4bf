// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli;

import dev.porin.api.Json;
import dev.porin.api.v1.ApplyResult;
import dev.porin.api.v1.PolicyList;
import dev.porin.api.v1.TraceModel;
import dev.porin.api.v1.TraceRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** {@code porin policy get|import|delete|trace}, as cilium users know them. */
@Command(name = "policy", mixinStandardHelpOptions = true, description = "Manage and explain network policy.",
        subcommands = {PolicyCommand.Get.class, PolicyCommand.Import.class, PolicyCommand.Delete.class,
                PolicyCommand.Trace.class})
final class PolicyCommand {

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show the policies in force, as JSON.")
    static final class Get implements Runnable {
        @Mixin
        ClientOptions options;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            PolicyList list = options.client().get("/v1/policy", PolicyList.class);
            PrintWriter out = spec.commandLine().getOut();
            if (options.json()) {
                ClientOptions.printJson(out, list);
                return;
            }
            ClientOptions.printJson(out, list.policies());
            out.println("Revision: " + list.revision());
            out.flush();
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true, description = "Import policies from a YAML file.")
    static final class Import implements Runnable {
        @Mixin
        ClientOptions options;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "A YAML file; - reads standard input.")
        String file;

        @Override
        public void run() {
            ApplyResult r = ApplyCommand.send(options, "POST", file);
            PrintWriter out = spec.commandLine().getOut();
            if (options.json()) {
                ClientOptions.printJson(out, r);
                return;
            }
            out.println("Revision: " + r.revision());
            out.flush();
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a policy by name, or all of them.")
    static final class Delete implements Runnable {
        @Mixin
        ClientOptions options;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", arity = "0..1", description = "The policy's name.")
        String name;

        @Option(names = {"-n", "--namespace"}, description = "Its namespace (default: any).")
        String namespace;

        @Option(names = "--kind", description = "NetworkPolicy, CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy.")
        String kind;

        @Option(names = "--all", description = "Delete every policy.")
        boolean all;

        @Override
        public void run() {
            if (all == (name != null)) {
                throw new IllegalArgumentException("name one policy, or use --all");
            }
            StringBuilder q = new StringBuilder(all ? "?all=true" : "?name=" + enc(name));
            if (namespace != null) {
                q.append("&namespace=").append(enc(namespace));
            }
            if (kind != null) {
                q.append("&kind=").append(enc(kind));
            }
            ApplyResult r = Json.MAPPER.readValue(options.client().call("DELETE", "/v1/policy" + q, null), ApplyResult.class);
            PrintWriter out = spec.commandLine().getOut();
            if (options.json()) {
                ClientOptions.printJson(out, r);
                return;
            }
            r.objects().forEach(o -> out.println(ApplyCommand.resource(o.kind()) + "/" + o.name() + " " + o.action()));
            out.println("Revision: " + r.revision());
            out.flush();
        }
    }

    @Command(name = "trace", mixinStandardHelpOptions = true,
            description = "Would traffic from a source to a destination be allowed, and which rules decide?")
    static final class Trace implements Runnable {
        @Mixin
        ClientOptions options;

        @Spec
        CommandSpec spec;

        @Option(names = {"-s", "--src"}, required = true, paramLabel = "SOURCE",
                description = "Endpoint ID, pod (namespace/name), IP, reserved:world, reserved:host or labels (app=web,...).")
        String source;

        @Option(names = {"-d", "--dst"}, required = true, paramLabel = "DESTINATION", description = "As --src.")
        String destination;

        @Option(names = "--dport", paramLabel = "PORT[/PROTO]", description = "Destination port, e.g. 80/TCP, 53/UDP, 8/ICMP.")
        String dport;

        @Override
        public void run() {
            TraceModel t = options.client().send("POST", "/v1/policy/trace", new TraceRequest(source, destination, dport),
                    TraceModel.class);
            PrintWriter out = spec.commandLine().getOut();
            if (options.json()) {
                ClientOptions.printJson(out, t);
                return;
            }
            out.print(render(t));
            out.flush();
        }

        static String render(TraceModel t) {
            StringBuilder b = new StringBuilder();
            b.append("Tracing From: ").append(t.source()).append(' ').append(t.sourceLabels()).append('\n');
            b.append("          To: ").append(t.destination()).append(' ').append(t.destinationLabels()).append('\n');
            b.append("        Port: ").append(t.port()).append("\n\n");
            side(b, "Egress from the source", t.egress());
            side(b, "Ingress to the destination", t.ingress());
            b.append("Final verdict: ").append(t.allowed() ? "ALLOWED" : "DENIED").append('\n');
            return b.toString();
        }

        private static void side(StringBuilder b, String title, TraceModel.Side s) {
            b.append(title).append(": ").append(s.verdict());
            if (!s.verdict().equals("not enforced") && !s.match().equals("none")) {
                b.append(" (match ").append(s.match()).append(')');
            }
            b.append('\n');
            s.rules().forEach(r -> b.append("    by ").append(r).append('\n'));
            if (!s.defaultDenyBy().isEmpty() && s.rules().isEmpty()) {
                b.append("    default-deny because of:\n");
                s.defaultDenyBy().forEach(p -> b.append("      ").append(p).append('\n'));
            }
            b.append('\n');
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
