// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.porin.cli.observe.FilterFlags;
import dev.porin.cli.observe.FlowPrinter;
import dev.porin.cli.observe.TimeArgs;
import dev.porin.hubble.flow.FlowFilter;
import dev.porin.hubble.observer.GetFlowsRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** {@code porin observe}: flows, with the selectors, filters and output formats of {@code hubble observe}. */
@Command(name = "observe", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Observe flows: what the datapath did with each packet, and which policy decided.",
                "Flags and output are those of hubble observe; times are UTC."})
final class ObserveCommand implements Runnable {

    /** What {@code hubble observe} shows when not told how many. */
    static final int DEFAULT_LAST = 20;

    @Option(names = "--last", paramLabel = "N", description = "The last N flows (default " + DEFAULT_LAST + " unless following).")
    long last;

    @Option(names = "--first", paramLabel = "N", description = "The first N flows in the buffer.")
    long first;

    @Option(names = "--all", description = "All flows in the buffer.")
    boolean all;

    @Option(names = {"-f", "--follow"}, description = "Keep printing flows as they happen; Ctrl-C ends.")
    boolean follow;

    @Option(names = "--since", paramLabel = "TIME", description = "Flows since TIME: a duration ago (3s, 4m, 1h43m) or a time (2025-01-02T15:04:05Z).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Flows until TIME, as for --since; ignored when following.")
    String until;

    @Mixin
    FilterFlags filters;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "compact (default), json, table or dict.")
    String output = "compact";

    @Mixin
    SocketOption agent;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        GetFlowsRequest request = request(Instant.now());
        PrintWriter out = spec.commandLine().getOut();
        FlowPrinter printer = printer(out);
        byte[] body;
        try {
            body = JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace().print(request).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
        agent.client().stream("POST", "/v1/flows", body, line -> {
            printer.print(line);
            out.flush();
            return !out.checkError(); // stdout has gone away, as with `porin observe -f | head`
        });
        printer.finish();
        out.flush();
    }

    FlowPrinter printer(PrintWriter out) {
        if (follow && output.equals("table")) {
            throw new IllegalArgumentException("--output table cannot be combined with --follow (the columns need every row)");
        }
        return FlowPrinter.of(output, out);
    }

    /** The request the flags ask for, as {@code hubble observe} builds it; relative times count back from {@code now}. */
    GetFlowsRequest request(Instant now) {
        if (last < 0 || first < 0) {
            throw new IllegalArgumentException((last < 0 ? "--last" : "--first") + ": must not be negative");
        }
        if (first > 0 && last > 0) {
            throw new IllegalArgumentException("cannot set both --first and --last");
        }
        if (first > 0 && all) {
            throw new IllegalArgumentException("cannot set both --first and --all");
        }
        if (first > 0 && follow) {
            throw new IllegalArgumentException("cannot set both --first and --follow");
        }
        if (last > 0 && all) {
            throw new IllegalArgumentException("cannot set both --last and --all");
        }
        GetFlowsRequest.Builder b = GetFlowsRequest.newBuilder().setFollow(follow).setFirst(first > 0);
        if (since != null) {
            b.setSince(timestamp(TimeArgs.parse("--since", since, now)));
        }
        if (until != null && !follow) {
            b.setUntil(timestamp(TimeArgs.parse("--until", until, now)));
        }
        long number = first > 0 ? first : last;
        if (!b.hasSince() && !b.hasUntil() && first == 0) {
            if (all) {
                // hubble sends the largest uint64; the agent reads the number as a signed long
                number = Long.MAX_VALUE;
            } else if (last == 0 && !follow) {
                number = DEFAULT_LAST;
            }
        }
        b.setNumber(number);
        List<FlowFilter> f = filters.filters();
        return (filters.negated() ? b.addAllBlacklist(f) : b.addAllWhitelist(f)).build();
    }

    private static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
