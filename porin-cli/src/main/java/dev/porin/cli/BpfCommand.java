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
        subcommands = BpfCommand.Ct.class)
final class BpfCommand {

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
