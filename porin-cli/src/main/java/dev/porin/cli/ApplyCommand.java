// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli;

import dev.porin.api.Json;
import dev.porin.api.v1.ApplyResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code porin apply -f FILE} and {@code porin delete -f FILE}: Kubernetes YAML (Namespace, Pod,
 * NetworkPolicy, CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy) into the agent's embedded store, as
 * kubectl would into a cluster. A file is taken whole or not at all.
 */
final class ApplyCommand {

    private ApplyCommand() {
    }

    @Command(name = "apply", mixinStandardHelpOptions = true, description = "Apply objects from YAML files.")
    static final class Apply implements Runnable {
        @Mixin
        ClientOptions options;

        @Spec
        CommandSpec spec;

        @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
                description = "A YAML file with one or more documents; - reads standard input.")
        List<String> files;

        @Override
        public void run() {
            for (String f : files) {
                print(spec.commandLine().getOut(), options, send(options, "POST", f));
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete the objects YAML files name.")
    static final class Delete implements Runnable {
        @Mixin
        ClientOptions options;

        @Spec
        CommandSpec spec;

        @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
                description = "A YAML file with one or more documents; - reads standard input.")
        List<String> files;

        @Override
        public void run() {
            for (String f : files) {
                print(spec.commandLine().getOut(), options, send(options, "DELETE", f));
            }
        }
    }

    static ApplyResult send(ClientOptions options, String method, String file) {
        byte[] body = read(file);
        String source = URLEncoder.encode(file.equals("-") ? "stdin" : Path.of(file).getFileName().toString(),
                StandardCharsets.UTF_8);
        return Json.MAPPER.readValue(options.client().call(method, "/v1/resources?source=" + source, body),
                ApplyResult.class);
    }

    static byte[] read(String file) {
        try {
            return file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static void print(PrintWriter out, ClientOptions options, ApplyResult result) {
        if (options.json()) {
            ClientOptions.printJson(out, result);
            return;
        }
        result.objects().forEach(o -> out.println(resource(o.kind()) + "/" + o.name() + " " + o.action()));
        out.flush();
    }

    /** {@code ciliumnetworkpolicy.cilium.io}, {@code networkpolicy.networking.k8s.io}, {@code pod}: kubectl's names. */
    static String resource(String kind) {
        String lower = kind.toLowerCase(Locale.ROOT);
        return switch (kind) {
            case "CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy" -> lower + ".cilium.io";
            case "NetworkPolicy" -> lower + ".networking.k8s.io";
            default -> lower;
        };
    }
}
