// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli;

import dev.porin.api.v1.IdentityModel;
import dev.porin.cli.format.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.type.TypeReference;

import java.io.PrintWriter;
import java.util.List;

/** {@code porin identity list|get}. */
@Command(name = "identity", mixinStandardHelpOptions = true, description = "Show security identities.",
        subcommands = {IdentityCommand.ListCommand.class, IdentityCommand.GetCommand.class})
final class IdentityCommand {

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List identities.")
    static final class ListCommand implements Runnable {
        @Mixin
        ClientOptions options;

        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            List<IdentityModel> ids = options.client().get("/v1/identity", new TypeReference<List<IdentityModel>>() { });
            print(spec.commandLine().getOut(), options, ids);
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one identity.")
    static final class GetCommand implements Runnable {
        @Mixin
        ClientOptions options;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID")
        int id;

        @Override
        public void run() {
            print(spec.commandLine().getOut(), options, List.of(options.client().get("/v1/identity/" + id, IdentityModel.class)));
        }
    }

    static void print(PrintWriter out, ClientOptions options, List<IdentityModel> ids) {
        if (options.json()) {
            ClientOptions.printJson(out, ids);
            return;
        }
        Table t = new Table().header("ID", "LABELS");
        ids.forEach(i -> t.row(i.id(), String.join("\n", i.labels())));
        out.print(t.render());
        out.flush();
    }
}
