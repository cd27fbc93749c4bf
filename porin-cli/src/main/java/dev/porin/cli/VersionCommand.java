// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli;

import dev.porin.api.Version;
import dev.porin.api.v1.VersionModel;
import dev.porin.cli.client.AgentException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code porin version}: this client's version, and the agent's if it is reachable. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Show client and agent versions.")
final class VersionCommand implements Runnable {

    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        VersionModel client = new VersionModel(Version.current(), Runtime.version().toString(), null);
        VersionModel daemon;
        try {
            daemon = options.client().get("/v1/version", VersionModel.class);
        } catch (AgentException e) {
            daemon = null;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (options.json()) {
            Map<String, Object> both = new LinkedHashMap<>();
            both.put("client", client);
            both.put("daemon", daemon);
            ClientOptions.printJson(out, both);
            return;
        }
        out.println("Client: " + client.version() + " (java " + client.java() + ")");
        out.println(daemon == null ? "Daemon: not reachable at " + options.socket
                : "Daemon: " + daemon.version() + " (java " + daemon.java() + ", kernel " + daemon.kernel() + ")");
        out.flush();
    }
}
