// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import dev.porin.datapath.events.DatapathEvent;
import dev.porin.datapath.events.RingBufferReader;
import dev.porin.datapath.sys.Libc;
import dev.porin.hubble.flow.LostEventSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The one thread that drains the datapath's event ring: each record is decoded, turned into a flow, put in
 * the flow ring and shown to the listeners (metrics). The datapath wakes it only for large batches, so it
 * also polls on a short timer; when the datapath had to drop events because the ring was full, a marker
 * with the count goes into the flow ring where the gap is.
 */
public final class EventPump implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventPump.class);

    /** How long a lone event may wait in the ring before a reader sees it. */
    private static final int POLL_MILLIS = 100;
    private static final long CLOCK_EVERY_NANOS = 1_000_000_000L;
    private static final long LOST_EVERY_NANOS = 50_000_000L;

    private final RingBufferReader reader;
    private final LongSupplier datapathLost;
    private final FlowParser parser;
    private final FlowRing ring;
    private final List<FlowListener> listeners;
    private final Thread thread;
    private final LongAdder received = new LongAdder();
    private final LongAdder undecodable = new LongAdder();
    private volatile boolean running = true;
    private volatile long lost;
    private long epochOffset;
    private long clockCheckedAt;
    private long lostCheckedAt;

    /**
     * @param datapathLost the datapath's running count of events it had no room for
     */
    public EventPump(RingBufferReader reader, LongSupplier datapathLost, FlowParser parser, FlowRing ring,
                     List<FlowListener> listeners) {
        this.reader = reader;
        this.datapathLost = datapathLost;
        this.parser = parser;
        this.ring = ring;
        this.listeners = List.copyOf(listeners);
        this.lost = datapathLost.getAsLong();
        this.clockCheckedAt = Long.MIN_VALUE / 2;
        this.thread = Thread.ofPlatform().name("porin-events").daemon().unstarted(this::run);
    }

    public EventPump start() {
        thread.start();
        return this;
    }

    /** Events read from the datapath. */
    public long received() {
        return received.sum();
    }

    /** Events the datapath dropped because its ring was full, since it was loaded. */
    public long lost() {
        return lost;
    }

    /** Records of a type or size this agent does not know. */
    public long undecodable() {
        return undecodable.sum();
    }

    private void run() {
        RingBufferReader.Handler handler = this::record;
        while (running) {
            try {
                long mono = Libc.monotonicNanos();
                if (mono - clockCheckedAt >= CLOCK_EVERY_NANOS) {
                    clockCheckedAt = mono;
                    epochOffset = currentEpochNanos() - mono;
                }
                reader.poll(POLL_MILLIS, handler);
                if (mono - lostCheckedAt >= LOST_EVERY_NANOS) {
                    lostCheckedAt = mono;
                    checkLost();
                }
                ring.publish();
            } catch (RuntimeException e) {
                // A bad record or a failed map read must not end observation.
                LOG.atWarn().setCause(e).log("Reading datapath events failed");
            }
        }
    }

    private void record(MemorySegment record) {
        DatapathEvent event = DatapathEvent.decode(record);
        if (event == null) {
            undecodable.increment();
            return;
        }
        received.increment();
        Flow flow = parser.parse(event, epochOffset);
        ring.add(flow);
        for (FlowListener l : listeners) {
            l.flow(flow);
        }
    }

    private void checkLost() {
        long now = datapathLost.getAsLong();
        long delta = now - lost;
        if (delta > 0) {
            lost = now;
            LostEvents marker = new LostEvents(System.currentTimeMillis() * 1_000_000L,
                    LostEventSource.PERF_EVENT_RING_BUFFER, delta);
            ring.add(marker);
            for (FlowListener l : listeners) {
                l.lost(marker);
            }
        }
    }

    /** Event times come from the kernel's monotonic clock; the offset follows the wall clock if it is stepped. */
    private static long currentEpochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2 * POLL_MILLIS + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reader.close();
    }
}
