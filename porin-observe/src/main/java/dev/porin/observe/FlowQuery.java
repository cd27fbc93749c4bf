// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import dev.porin.hubble.flow.LostEventSource;
import dev.porin.hubble.observer.GetFlowsRequest;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Hubble's {@code GetFlows} over the flow ring: the last (or first) {@code number} matching flows, or all
 * of them, within {@code since}/{@code until}, then, with {@code follow}, new ones as they come. Following
 * with no number and no {@code since} starts at the newest flow. A reader the writer overtakes is told how
 * many flows it missed with a lost-events marker, and goes on from the oldest flow left.
 */
public final class FlowQuery {

    /** Where matching events go. */
    public interface Sink {
        /** Takes one event; returns false to end the query. */
        boolean accept(FlowEvent event);

        /** Whether the client is still there; checked while waiting for new flows. */
        default boolean open() {
            return true;
        }
    }

    private static final long WAIT_MILLIS = 500;

    private final FlowRing ring;
    private final GetFlowsRequest request;
    private final Predicate<FlowEvent> filter;
    private final long since;
    private final long until;

    /** @throws IllegalArgumentException if a filter cannot be parsed; the message names the field */
    public FlowQuery(FlowRing ring, GetFlowsRequest request, NodeInfo node) {
        this.ring = ring;
        this.request = request;
        this.filter = FlowFilters.of(request.getWhitelistList(), request.getBlacklistList(), node);
        this.since = request.hasSince() ? FlowProtos.nanos(request.getSince()) : Long.MIN_VALUE;
        this.until = request.hasUntil() ? FlowProtos.nanos(request.getUntil()) : Long.MAX_VALUE;
    }

    /** Runs the query to its end: the flows asked for, or, when following, until the sink or client stops. */
    public void run(Sink sink) throws InterruptedException {
        // uint64 on the wire: hubble's --all sends the largest value, which Java sees as negative.
        long number = request.getNumber() < 0 ? Long.MAX_VALUE : request.getNumber();
        long seq;
        if (request.getFirst() || number == 0) {
            seq = request.getFollow() && number == 0 && !request.hasSince() ? ring.end() : ring.start();
            seq = forward(seq, ring.end(), number, sink);
            if (seq < 0) {
                return;
            }
        } else {
            seq = ring.end();
            if (!emitLast(seq, number, sink)) {
                return;
            }
        }
        if (request.getFollow()) {
            follow(seq, sink);
        }
    }

    /** Emits matching events in [seq, end), at most {@code limit} (0: all). Returns where it stopped, -1 to end. */
    private long forward(long seq, long end, long limit, Sink sink) {
        long sent = 0;
        while (seq < end) {
            FlowEvent e = ring.get(seq);
            if (e == null) {
                long oldest = ring.start();
                if (oldest > seq) {
                    if (!sink.accept(new LostEvents(System.currentTimeMillis() * 1_000_000L,
                            LostEventSource.HUBBLE_RING_BUFFER, oldest - seq))) {
                        return -1;
                    }
                    seq = oldest;
                    continue;
                }
                break;
            }
            seq++;
            if (matches(e)) {
                if (!sink.accept(e)) {
                    return -1;
                }
                if (limit > 0 && ++sent >= limit) {
                    return request.getFollow() ? seq : -1;
                }
            }
        }
        return seq;
    }

    /**
     * The last {@code number} matching flows before {@code end}, oldest first, with the lost-events markers
     * among them (they do not count towards the number).
     */
    private boolean emitLast(long end, long number, Sink sink) {
        Deque<FlowEvent> last = new ArrayDeque<>();
        long flows = 0;
        for (long seq = end - 1; seq >= ring.start() && flows < number; seq--) {
            FlowEvent e = ring.get(seq);
            if (e == null) {
                break;
            }
            if (matches(e)) {
                last.addFirst(e);
                if (e instanceof Flow) {
                    flows++;
                }
            }
        }
        for (FlowEvent e : last) {
            if (!sink.accept(e)) {
                return false;
            }
        }
        return true;
    }

    private void follow(long seq, Sink sink) throws InterruptedException {
        while (sink.open()) {
            if (until != Long.MAX_VALUE && System.currentTimeMillis() * 1_000_000L > until) {
                return;
            }
            if (!ring.await(seq, WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                continue;
            }
            seq = forward(seq, ring.end(), 0, sink);
            if (seq < 0) {
                return;
            }
        }
    }

    private boolean matches(FlowEvent e) {
        long t = e.time();
        if (t < since) {
            return false;
        }
        if (t > until) {
            return false;
        }
        return filter.test(e);
    }
}
