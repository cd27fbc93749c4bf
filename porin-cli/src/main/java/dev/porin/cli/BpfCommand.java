// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli;

import dev.porin.api.v1.CtEntryModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import tools.jackson.core.type.TypeReference;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** {@code porin bpf ...}: the datapath's maps as the kernel holds them. */
@Command(name = "bpf", mixinStandardHelpOptions = true, description = "Show the datapath's BPF maps.",
        subcommands = {BpfCommand.Ct.class, BpfCommand.Policy.class})
final class BpfCommand {

    @Command(name = "policy", mixinStandardHelpOptions = true, description = "Per-endpoint policy maps.",
            subcommands = Policy.GetCommand.class)
    static final class Policy {

        @Command(name = "get", mixinStandardHelpOptions = true,
                description = "Show an endpoint's policy map, each entry with the rules behind it.")
        static final class GetCommand implements Runnable {
            @Mixin
            ClientOptions options;

            @Spec
            CommandSpec spec;

            @picocli.CommandLine.Parameters(paramLabel = "ENDPOINT", description = "Endpoint ID.")
            int endpoint;

            @picocli.CommandLine.Option(names = "-n", description = "Identity numbers instead of labels.")
            boolean numeric;

            @Override
            public void run() {
                var p = options.client().get("/v1/endpoint/" + endpoint + "/policy", dev.porin.api.v1.EndpointPolicyModel.class);
                PrintWriter out = spec.commandLine().getOut();
                if (options.json()) {
                    ClientOptions.printJson(out, p);
                    return;
                }
                out.print(render(p, numeric));
                out.flush();
            }

            static String render(dev.porin.api.v1.EndpointPolicyModel p, boolean numeric) {
                StringBuilder b = new StringBuilder();
                b.append(enforcement("Ingress", p.enforcement().ingress(), p.enforcement().audit(), p.enforcement().ingressBy()));
                b.append(enforcement("Egress", p.enforcement().egress(), p.enforcement().audit(), p.enforcement().egressBy()));
                if (p.notInstalled() > 0) {
                    b.append(overflowWarning(p));
                }
                b.append('\n');
                dev.porin.cli.format.Table t = new dev.porin.cli.format.Table().header("POLICY", "DIRECTION",
                        numeric ? "IDENTITY" : "LABELS (source:key[=value])", "PORT/PROTO", "PROXY PORT", "PREFIX", "RULES");
                for (var e : p.entries()) {
                    t.row(e.action(), e.direction(), numeric ? Integer.toString(e.identity()) : String.join("\n", e.identityLabels()),
                            e.portProtocol(), "NONE", e.prefixLength(), String.join("\n", e.rules()));
                }
                b.append(t.render());
                return b.toString();
            }

            /**
             * A full map holds every deny, then the allows in key order, which is the order listed: the entries
             * left out are the last Allow rows (and, if even the denies do not fit, the last Deny rows too).
             */
            static String overflowWarning(dev.porin.api.v1.EndpointPolicyModel p) {
                long allows = p.entries().stream().filter(e -> e.action().equals("Allow")).count();
                int missing = p.notInstalled();
                String which = missing <= allows ? "the last " + missing + " Allow entries below"
                        : "every Allow entry and the last " + (missing - allows) + " Deny entries below";
                return "WARNING: the map is full (" + p.maxEntries() + " entries): " + missing
                        + " entries are not installed and their traffic is dropped: " + which + "\n";
            }

            private static String enforcement(String dir, boolean on, boolean audit, java.util.List<String> by) {
                if (!on) {
                    return dir + " policy: not enforced (no policy selects this endpoint for " + dir.toLowerCase(java.util.Locale.ROOT) + ")\n";
                }
                return dir + " policy: " + (audit ? "audit (drops reported, not enforced)" : "enforced") + (by.isEmpty()
                        ? ", default-allow (no policy asks for default deny; only deny rules drop)"
                        : ", default-deny by " + String.join(", ", by)) + "\n";
            }
        }
    }

    @Command(name = "ct", mixinStandardHelpOptions = true, description = "Connection tracking.",
            subcommands = Ct.ListCommand.class)
    static final class Ct {

        @Command(name = "list", mixinStandardHelpOptions = true, description = "List tracked connections.")
        static final class ListCommand implements Runnable {
            @Mixin
            ClientOptions options;

            @Spec
            CommandSpec spec;

            @Override
            public void run() {
                List<CtEntryModel> entries = options.client().get("/v1/map/ct", new TypeReference<List<CtEntryModel>>() { });
                PrintWriter out = spec.commandLine().getOut();
                if (options.json()) {
                    ClientOptions.printJson(out, entries);
                    return;
                }
                entries.forEach(e -> out.println(render(e)));
                out.flush();
            }

            static String render(CtEntryModel e) {
                return String.format(Locale.ROOT, "%s %s:%d -> %s:%d expires=%d (in %ds) RxPackets=%d RxBytes=%d TxPackets=%d TxBytes=%d "
                                + "RxFlagsSeen=0x%02x TxFlagsSeen=0x%02x Flags=[ %s ] SourceSecurityID=%d",
                        e.protocol(), e.source(), e.sourcePort(), e.destination(), e.destinationPort(), e.expires(),
                        e.remainingSeconds(), e.rxPackets(), e.rxBytes(), e.txPackets(), e.txBytes(), e.rxFlagsSeen(),
                        e.txFlagsSeen(), String.join(" ", e.flags()), e.sourceIdentity());
            }
        }
    }
}
