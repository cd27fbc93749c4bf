// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import dev.porin.hubble.flow.LostEventSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The flow ring: sizes as Hubble's, eviction, reads by sequence that never return a wrong event, wake-ups. */
class FlowRingTest {

    /** An event that carries its sequence number as its time, so that a reader can tell it got the right one. */
    private static FlowEvent event(long seq) {
        return new LostEvents(seq, LostEventSource.UNKNOWN_LOST_EVENT_SOURCE, 1);
    }

    private static FlowRing filled(int size, int events) {
        FlowRing ring = new FlowRing(size);
        for (int i = 0; i < events; i++) {
            ring.add(event(i));
        }
        return ring;
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"1, 1", "2, 3", "3, 3", "4, 7", "7, 7", "8, 15", "100, 127", "4095, 4095", "4096, 8191",
            "16777216, 33554431"})
    void capacityIsRoundedUpToAPowerOfTwoMinusOne(int size, int capacity) {
        assertThat(new FlowRing(size).capacity()).isEqualTo(capacity);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {0, -1, (1 << 24) + 1, Integer.MAX_VALUE})
    void sizesOutOfRangeAreRejected(int size) {
        assertThatThrownBy(() -> new FlowRing(size)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(size));
    }

    @Test
    void anEmptyRingHoldsNothing() {
        FlowRing ring = new FlowRing(7);
        assertThat(ring.end()).isZero();
        assertThat(ring.start()).isZero();
        assertThat(ring.size()).isZero();
        assertThat(ring.get(0)).isNull();
        assertThat(ring.get(-1)).isNull();
    }

    @Test
    void eventsAreReadBackBySequence() {
        FlowRing ring = new FlowRing(7);
        List<FlowEvent> added = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            added.add(event(i));
            ring.add(added.getLast());
        }
        assertThat(ring.end()).isEqualTo(5);
        assertThat(ring.start()).isZero();
        assertThat(ring.size()).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            assertThat(ring.get(i)).isSameAs(added.get(i));
        }
        assertThat(ring.get(5)).as("not written yet").isNull();
    }

    @Test
    void aFullRingEvictsTheOldest() {
        FlowRing ring = filled(3, 10);
        assertThat(ring.capacity()).isEqualTo(3);
        assertThat(ring.end()).isEqualTo(10);
        assertThat(ring.start()).isEqualTo(7);
        assertThat(ring.size()).isEqualTo(3);
        assertThat(ring.get(6)).isNull();
        assertThat(ring.get(0)).isNull();
        for (long seq = 7; seq < 10; seq++) {
            assertThat(ring.get(seq).time()).isEqualTo(seq);
        }
    }

    @Test
    void aSequenceThatWasOverwrittenIsNullNotItsSuccessor() {
        FlowRing ring = filled(3, 4);
        // Four slots: the event for sequence 0 is still in its slot, but outside the readable window.
        assertThat(ring.get(0)).isNull();
        ring.add(event(4));
        // Now its slot holds sequence 4.
        assertThat(ring.get(0)).isNull();
        assertThat(ring.get(4).time()).isEqualTo(4);
    }

    @Test
    void aRingOfOneHoldsTheLastEvent() {
        FlowRing ring = filled(1, 3);
        assertThat(ring.size()).isEqualTo(1);
        assertThat(ring.get(1)).isNull();
        assertThat(ring.get(2).time()).isEqualTo(2);
    }

    @Test
    void awaitReturnsAtOnceWhenTheEventExists() throws InterruptedException {
        FlowRing ring = filled(7, 2);
        assertThat(ring.await(1, 1, TimeUnit.HOURS)).isTrue();
        assertThat(ring.await(0, 0, TimeUnit.NANOSECONDS)).isTrue();
    }

    @Test
    void awaitGivesUpAfterItsTimeout() throws InterruptedException {
        FlowRing ring = filled(7, 2);
        long t0 = System.nanoTime();
        assertThat(ring.await(2, 30, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
        assertThat(ring.await(2, 0, TimeUnit.NANOSECONDS)).isFalse();
    }

    @Test
    @Timeout(10)
    void publishWakesAWaitingReader() throws Exception {
        FlowRing ring = new FlowRing(7);
        CompletableFuture<Boolean> woken = CompletableFuture.supplyAsync(() -> {
            try {
                return ring.await(0, 1, TimeUnit.HOURS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(20); // let the reader start waiting; a publish that comes first is fine too
        ring.add(event(0));
        ring.publish();
        assertThat(woken.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    @Timeout(60)
    void everyPublishWakesTheReaderWaitingForIt() throws Exception {
        // Ping-pong: the writer publishes one event and waits until the reader has it. A reader that missed
        // its wake-up would sleep until its ten-second timeout.
        FlowRing ring = new FlowRing(63);
        int rounds = 2_000;
        AtomicLong consumed = new AtomicLong(-1);
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Future<Long> reader = pool.submit(() -> {
                long slowest = 0;
                for (long seq = 0; seq < rounds; seq++) {
                    long t0 = System.nanoTime();
                    if (!ring.await(seq, 10, TimeUnit.SECONDS)) {
                        throw new AssertionError("not woken for " + seq);
                    }
                    slowest = Math.max(slowest, System.nanoTime() - t0);
                    consumed.set(seq);
                }
                return slowest;
            });
            Future<?> writer = pool.submit(() -> {
                for (long seq = 0; seq < rounds; seq++) {
                    // Vary how long the reader has been waiting, from not yet to a while.
                    LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(0, 20_000));
                    ring.add(event(seq));
                    ring.publish();
                    while (consumed.get() < seq && !reader.isDone()) {
                        Thread.onSpinWait();
                    }
                }
                return null;
            });
            assertThat(reader.get(50, TimeUnit.SECONDS)).isLessThan(TimeUnit.SECONDS.toNanos(2));
            writer.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWaitingReaderCanBeInterrupted() throws Exception {
        FlowRing ring = new FlowRing(7);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                ring.await(0, 1, TimeUnit.HOURS);
                outcome.complete(null);
            } catch (InterruptedException e) {
                outcome.complete(e);
            }
        });
        Thread.sleep(20);
        reader.interrupt();
        assertThat(outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    }

    @Test
    @Timeout(60)
    void concurrentReadersNeverSeeAWrongEvent() throws Exception {
        // One writer laps a small ring many times while readers read at random and in order: every read is
        // the event of that sequence, or null when it is not (or no longer) in the ring; never a newer one.
        FlowRing ring = new FlowRing(63);
        long total = 3_000_000;
        AtomicBoolean done = new AtomicBoolean();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Long>> readers = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                boolean inOrder = r == 0;
                readers.add(pool.submit(() -> {
                    long found = 0;
                    long seq = 0;
                    while (!done.get()) {
                        long end = ring.end();
                        if (!inOrder) {
                            seq = ThreadLocalRandom.current().nextLong(Math.max(0, end - 80), end + 2);
                        }
                        FlowEvent e = ring.get(seq);
                        if (e == null) {
                            if (seq < end && ring.start() <= seq) {
                                throw new AssertionError("sequence " + seq + " is in the ring but read as null");
                            }
                            if (inOrder) {
                                seq = Math.max(seq, ring.start()); // overtaken: go on from the oldest
                            }
                            continue;
                        }
                        if (e.time() != seq) {
                            throw new AssertionError("read the event of " + e.time() + " for sequence " + seq);
                        }
                        found++;
                        if (inOrder) {
                            seq++;
                        }
                    }
                    return found;
                }));
            }
            pool.submit(() -> {
                for (long seq = 0; seq < total; seq++) {
                    ring.add(event(seq));
                    if ((seq & 63) == 0) {
                        ring.publish();
                    }
                }
                ring.publish();
                done.set(true);
                return null;
            }).get(50, TimeUnit.SECONDS);
            for (Future<Long> r : readers) {
                assertThat(r.get(10, TimeUnit.SECONDS)).as("reads that found their event").isPositive();
            }
        }
        assertThat(ring.end()).isEqualTo(total);
    }
}
