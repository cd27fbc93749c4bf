// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.observe;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.porin.hubble.flow.Flow;
import dev.porin.hubble.flow.LostEvent;
import dev.porin.hubble.observer.GetFlowsResponse;

import java.io.PrintWriter;

/**
 * Prints the agent's flow answer, one {@code GetFlowsResponse} JSON line at a time, in a {@code hubble observe}
 * output format: {@code compact}, {@code json} (the lines as they come), {@code table} or {@code dict}.
 */
public sealed interface FlowPrinter {

    /** @throws IllegalArgumentException for an unknown format, naming {@code --output} */
    static FlowPrinter of(String format, PrintWriter out) {
        return switch (format) {
            case "compact" -> new Compact(out);
            case "json", "jsonpb" -> new Json(out);
            case "table" -> new Table(out);
            case "dict" -> new Dict(out);
            default -> throw new IllegalArgumentException("--output: '" + format
                    + "' is not one of compact, dict, json, jsonpb, table");
        };
    }

    /** Prints one line of the answer. */
    void print(String line);

    /** Prints what is left once the answer has ended (a table's rows). */
    default void finish() {
    }

    /** Hubble's JSON: each {@code GetFlowsResponse} as the agent sent it. */
    final class Json implements FlowPrinter {
        private final PrintWriter out;

        Json(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void print(String line) {
            if (!line.isBlank()) {
                out.println(line);
            }
        }
    }

    /** The text formats: each line decoded, then printed as a flow or as lost events. */
    abstract sealed class Decoding implements FlowPrinter {
        private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

        final PrintWriter out;

        Decoding(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void print(String line) {
            if (line.isBlank()) {
                return;
            }
            GetFlowsResponse.Builder r = GetFlowsResponse.newBuilder();
            try {
                PARSER.merge(line, r);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("the agent sent a line that is not a GetFlowsResponse: " + e.getMessage());
            }
            switch (r.getResponseTypesCase()) {
                case FLOW -> flow(r.getFlow());
                case LOST_EVENTS -> lost(r.getLostEvents());
                default -> {
                    // node status: there are no other nodes to report on
                }
            }
        }

        abstract void flow(Flow f);

        abstract void lost(LostEvent l);

        /** {@code CPU(3) - 42}, or {@code 42} when the CPU is not known. */
        static String lostSummary(LostEvent l) {
            return (l.hasCpu() ? "CPU(" + l.getCpu().getValue() + ") - " : "") + Long.toUnsignedString(l.getNumEventsLost());
        }
    }

    /** {@code Jan  2 15:04:05.000: default/client:41234 (ID:300) -> default/server:8080 (ID:301) to-endpoint FORWARDED (TCP Flags: SYN)}. */
    final class Compact extends Decoding {
        Compact(PrintWriter out) {
            super(out);
        }

        @Override
        void flow(Flow f) {
            String src = FlowText.source(f) + " (" + FlowText.identity(f.getSource().getIdentity()) + ")";
            String dst = FlowText.destination(f) + " (" + FlowText.identity(f.getDestination().getIdentity()) + ")";
            String arrow = "->";
            if (!f.hasIsReply()) {
                arrow = "<>";
            } else if (f.getIsReply().getValue()) {
                String s = src;
                src = dst;
                dst = s;
                arrow = "<-";
            }
            String cause = FlowText.cause(f);
            out.println(FlowText.time(f.hasTime(), f.getTime()) + ": " + src + " " + arrow + " " + dst + " "
                    + FlowText.type(f) + " " + FlowText.verdict(f) + " (" + f.getSummary() + ")"
                    + (cause == null ? "" : " by " + cause));
        }

        @Override
        void lost(LostEvent l) {
            out.println("EVENTS LOST: " + l.getSource().name() + (l.hasCpu() ? " CPU(" + l.getCpu().getValue() + ")" : "")
                    + " " + Long.toUnsignedString(l.getNumEventsLost()));
        }
    }

    /** Columns aligned over the whole answer, so printed once it has ended. */
    final class Table extends Decoding {
        private final dev.porin.cli.format.Table table = new dev.porin.cli.format.Table()
                .header("TIMESTAMP", "SOURCE", "DESTINATION", "TYPE", "VERDICT", "SUMMARY");
        private int rows;

        Table(PrintWriter out) {
            super(out);
        }

        @Override
        void flow(Flow f) {
            table.row(FlowText.time(f.hasTime(), f.getTime()), FlowText.source(f), FlowText.destination(f),
                    FlowText.type(f), FlowText.verdict(f), FlowText.summaryAndCause(f));
            rows++;
        }

        @Override
        void lost(LostEvent l) {
            table.row("", l.getSource().name(), "", "EVENTS LOST", "", lostSummary(l));
            rows++;
        }

        @Override
        public void finish() {
            if (rows > 0) {
                out.print(table.render());
            }
        }
    }

    /** One {@code KEY: value} block per flow, separated by dashes. */
    final class Dict extends Decoding {
        private boolean first = true;

        Dict(PrintWriter out) {
            super(out);
        }

        @Override
        void flow(Flow f) {
            block(FlowText.time(f.hasTime(), f.getTime()), FlowText.source(f), FlowText.destination(f), FlowText.type(f),
                    FlowText.verdict(f), FlowText.summaryAndCause(f));
        }

        @Override
        void lost(LostEvent l) {
            block("", l.getSource().name(), null, "EVENTS LOST", "", lostSummary(l));
        }

        private void block(String time, String source, String destination, String type, String verdict, String summary) {
            if (!first) {
                out.println("------------");
            }
            first = false;
            out.println("  TIMESTAMP: " + time);
            out.println("     SOURCE: " + source);
            if (destination != null) {
                out.println("DESTINATION: " + destination);
            }
            out.println("       TYPE: " + type);
            out.println("    VERDICT: " + verdict);
            out.println("    SUMMARY: " + summary);
        }
    }
}
