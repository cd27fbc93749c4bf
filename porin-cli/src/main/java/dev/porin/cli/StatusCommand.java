// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli;

import dev.porin.api.v1.StatusModel;
import dev.porin.cli.format.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code porin status}: the agent, the kernel and the datapath at a glance. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the agent's and the datapath's status.")
final class StatusCommand implements Runnable {

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        StatusModel s = options.client().get("/v1/status", StatusModel.class);
        PrintWriter out = spec.commandLine().getOut();
        if (options.json()) {
            ClientOptions.printJson(out, s);
            return;
        }
        out.print(render(s));
        out.flush();
    }

    static String render(StatusModel s) {
        StringBuilder b = new StringBuilder();
        line(b, "Porin", "Ok   " + s.version() + " (up " + Durations.format(s.uptimeSeconds()) + ")");
        line(b, "Kernel", s.kernel().release());
        List<String> have = s.kernel().features().entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
        List<String> missing = s.kernel().features().entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
        line(b, "eBPF features", String.join(", ", have) + (missing.isEmpty() ? "" : "   (missing: " + String.join(", ", missing) + ")"));
        line(b, "Datapath", s.datapath().state() + "   " + s.datapath().attachMode() + ", programs "
                + String.join(", ", s.datapath().programs()) + " pinned at " + s.datapath().pinPath());
        line(b, "IPAM", "IPv4: " + s.ipam().allocated() + "/" + s.ipam().capacity() + " allocated from "
                + s.ipam().podCidr() + ", router " + s.ipam().router());
        String states = s.endpoints().byState().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        line(b, "Endpoints", s.endpoints().total() + (states.isEmpty() ? "" : " (" + states + ")"));
        line(b, "BPF maps", s.maps().stream()
                .map(m -> String.format(Locale.ROOT, "%s %d/%d (%.1f%%)", m.name(), m.entries(), m.maxEntries(),
                        100.0 * m.entries() / m.maxEntries()))
                .collect(Collectors.joining("\n" + " ".repeat(25))));
        StatusModel.Policy p = s.policy();
        if (p != null) {
            line(b, "Policy", p.policies() + " policies, revision " + p.revision() + ", " + p.identities() + " identities");
            p.policyMapOverflow().forEach((ep, left) -> line(b, "Policy map full", "endpoint " + ep + ": " + left
                    + " entries not installed (max " + p.policyMapMaxEntries() + "); their traffic is dropped"));
            if (!p.identityExhausted().isEmpty()) {
                line(b, "Identities exhausted", "endpoints " + p.identityExhausted().stream().map(String::valueOf)
                        .collect(Collectors.joining(", ")) + " isolated until an identity is free");
            }
        }
        line(b, "CNI", s.cni().plugin() + ", " + s.cni().config() + " (network " + s.cni().network() + ")");
        StatusModel.Observability o = s.observability();
        if (o != null) {
            line(b, "Hubble", o.hubbleAddress() == null ? "Disabled"
                    : "Ok   Current/Max Flows: " + o.flows() + "/" + o.maxFlows()
                    + (o.maxFlows() > 0 ? String.format(Locale.ROOT, " (%.2f%%)", 100.0 * o.flows() / o.maxFlows()) : "")
                    + String.format(Locale.ROOT, ", Flows/s: %.2f", o.flowsPerSecond())
                    + "   listening on " + o.hubbleAddress());
            line(b, "Metrics", o.metricsAddress() == null ? "Disabled" : "Ok   listening on " + o.metricsAddress());
            line(b, "Events", o.eventsReceived() + " received, " + o.eventsLost() + " lost"
                    + (o.eventsLost() > 0 ? " (ring buffer full)" : ""));
        }
        line(b, "API", s.api().socket());
        return b.toString();
    }

    private static void line(StringBuilder b, String label, String value) {
        String key = label + ":";
        b.append(key).append(" ".repeat(Math.max(1, 25 - key.length()))).append(value).append('\n');
    }
}
