// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import dev.porin.hubble.flow.FlowFilter;
import dev.porin.hubble.flow.LostEventSource;
import dev.porin.hubble.flow.Verdict;
import dev.porin.hubble.observer.GetFlowsRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.porin.observe.FlowBuilder.flow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hubble's GetFlows over the ring (cilium-facts §5.4): last N, first N, all, since/until, follow, lost events. */
class FlowQueryTest {

    /** Flow {@code i} happened at {@code T0 + i} seconds. */
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private final FlowRing ring = new FlowRing(15);

    private static Flow flowAt(int i) {
        return flow().time(T0 + i * SECOND).build();
    }

    private static Flow dropAt(int i) {
        return FlowBuilder.drop(133).time(T0 + i * SECOND).build();
    }

    private void addFlows(int from, int to) {
        for (int i = from; i < to; i++) {
            ring.add(i % 3 == 2 ? dropAt(i) : flowAt(i));
        }
        ring.publish();
    }

    private static int second(FlowEvent e) {
        return (int) ((e.time() - T0) / SECOND);
    }

    private static com.google.protobuf.Timestamp at(int i) {
        return FlowProtos.timestamp(T0 + i * SECOND);
    }

    /** Runs a query that does not follow, and returns the seconds of the flows it sent. */
    private List<Integer> run(GetFlowsRequest.Builder request) throws InterruptedException {
        List<FlowEvent> out = new ArrayList<>();
        new FlowQuery(ring, request.build(), Fixtures.NODE).run(e -> out.add(e));
        assertThat(out).allMatch(e -> e instanceof Flow);
        return out.stream().map(FlowQueryTest::second).toList();
    }

    private static GetFlowsRequest.Builder request() {
        return GetFlowsRequest.newBuilder();
    }

    private static FlowFilter drops() {
        return FlowFilter.newBuilder().addVerdict(Verdict.DROPPED).build();
    }

    @Test
    void theLastNFlowsComeOldestFirst() throws InterruptedException {
        addFlows(0, 10);
        assertThat(run(request().setNumber(3))).containsExactly(7, 8, 9);
    }

    @Test
    void theLastNAreCountedAmongMatchingFlows() throws InterruptedException {
        addFlows(0, 10);
        assertThat(run(request().setNumber(2).addWhitelist(drops()))).containsExactly(5, 8);
    }

    @Test
    void askingForMoreThanThereAreGivesAll() throws InterruptedException {
        addFlows(0, 4);
        assertThat(run(request().setNumber(20))).containsExactly(0, 1, 2, 3);
    }

    @Test
    void theFirstNFlowsAreTheOldest() throws InterruptedException {
        addFlows(0, 10);
        assertThat(run(request().setNumber(3).setFirst(true))).containsExactly(0, 1, 2);
        assertThat(run(request().setNumber(2).setFirst(true).addWhitelist(drops()))).containsExactly(2, 5);
    }

    @Test
    void theFirstAreTheOldestStillInTheRing() throws InterruptedException {
        addFlows(0, 20);
        assertThat(ring.start()).isEqualTo(5);
        assertThat(run(request().setNumber(2).setFirst(true))).containsExactly(5, 6);
    }

    @Test
    void numberZeroIsEveryFlow() throws InterruptedException {
        addFlows(0, 10);
        assertThat(run(request())).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(run(request().setFirst(true))).hasSize(10);
    }

    @Test
    void anEmptyRingGivesNothing() throws InterruptedException {
        assertThat(run(request().setNumber(20))).isEmpty();
        assertThat(run(request())).isEmpty();
    }

    @Test
    void sinceAndUntilBoundTheTimesInclusively() throws InterruptedException {
        addFlows(0, 10);
        assertThat(run(request().setSince(at(3)).setUntil(at(6)))).containsExactly(3, 4, 5, 6);
        assertThat(run(request().setSince(at(8)))).containsExactly(8, 9);
        assertThat(run(request().setUntil(at(1)))).containsExactly(0, 1);
    }

    @Test
    void sinceCombinesWithTheLastN() throws InterruptedException {
        addFlows(0, 10);
        assertThat(run(request().setNumber(5).setSince(at(7)))).containsExactly(7, 8, 9);
        assertThat(run(request().setNumber(2).setUntil(at(4)))).containsExactly(3, 4);
    }

    @Test
    void markersOfEventsTheDatapathLostAreSent() throws InterruptedException {
        addFlows(0, 2);
        ring.add(new LostEvents(T0 + 2 * SECOND, LostEventSource.PERF_EVENT_RING_BUFFER, 40));
        addFlows(3, 4);
        List<FlowEvent> out = new ArrayList<>();
        new FlowQuery(ring, request().addWhitelist(drops()).build(), Fixtures.NODE).run(out::add);
        assertThat(out).singleElement().isInstanceOfSatisfying(LostEvents.class,
                l -> assertThat(l.count()).isEqualTo(40));
    }

    @Test
    void aSinkThatSaysNoEndsTheQuery() throws InterruptedException {
        addFlows(0, 10);
        List<FlowEvent> out = new ArrayList<>();
        new FlowQuery(ring, request().build(), Fixtures.NODE).run(e -> {
            out.add(e);
            return out.size() < 3;
        });
        assertThat(out).hasSize(3);

        out.clear();
        new FlowQuery(ring, request().setNumber(5).build(), Fixtures.NODE).run(e -> {
            out.add(e);
            return false;
        });
        assertThat(out).hasSize(1);
    }

    @Test
    void aReaderOvertakenByTheWriterIsToldHowManyItMissed() throws InterruptedException {
        addFlows(0, 3);
        List<FlowEvent> out = new ArrayList<>();
        new FlowQuery(ring, request().build(), Fixtures.NODE).run(e -> {
            out.add(e);
            if (out.size() == 1) {
                addFlows(3, 23); // laps the ring while the reader holds sequence 0
            }
            return true;
        });
        assertThat(out).hasSize(2);
        assertThat(second(out.getFirst())).isZero();
        assertThat(out.get(1)).isInstanceOfSatisfying(LostEvents.class, l -> {
            assertThat(l.source()).isEqualTo(LostEventSource.HUBBLE_RING_BUFFER);
            assertThat(l.count()).as("sequences 1 to 7 were overwritten").isEqualTo(7);
        });
    }

    @Test
    void aBadFilterFailsTheQueryNamingTheField() {
        GetFlowsRequest bad = request().addBlacklist(FlowFilter.newBuilder().addSourcePort("http")).build();
        assertThatThrownBy(() -> new FlowQuery(ring, bad, Fixtures.NODE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("source_port");
    }

    // ---- follow

    /** A query running on its own thread, sending into a queue; it counts as following once it waits. */
    private final class Following implements FlowQuery.Sink {
        final LinkedBlockingQueue<FlowEvent> received = new LinkedBlockingQueue<>();
        final CountDownLatch waiting = new CountDownLatch(1);
        final AtomicInteger accepted = new AtomicInteger();
        volatile boolean open = true;
        volatile int stopAfter = Integer.MAX_VALUE;
        volatile Runnable onFirst = () -> { };
        final CompletableFuture<Void> done;

        Following(GetFlowsRequest.Builder request) {
            this(request, () -> { });
        }

        Following(GetFlowsRequest.Builder request, Runnable onFirst) {
            this.onFirst = onFirst;
            FlowQuery q = new FlowQuery(ring, request.setFollow(true).build(), Fixtures.NODE);
            done = CompletableFuture.runAsync(() -> {
                try {
                    q.run(this);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        @Override
        public boolean accept(FlowEvent event) {
            if (accepted.get() == 0) {
                onFirst.run();
            }
            received.add(event);
            return accepted.incrementAndGet() < stopAfter;
        }

        @Override
        public boolean open() {
            waiting.countDown();
            return open;
        }

        Following awaitFollowing() throws InterruptedException {
            assertThat(waiting.await(5, TimeUnit.SECONDS)).as("the query follows").isTrue();
            return this;
        }

        List<Integer> take(int n) throws InterruptedException {
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                FlowEvent e = received.poll(5, TimeUnit.SECONDS);
                assertThat(e).as("flow %d of %d", i + 1, n).isNotNull();
                out.add(second(e));
            }
            return out;
        }

        void ends() throws Exception {
            done.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(20)
    void followingWithoutNumberOrSinceStartsAtTheNewest() throws Exception {
        addFlows(0, 5);
        Following f = new Following(request()).awaitFollowing();
        addFlows(5, 8);
        assertThat(f.take(3)).containsExactly(5, 6, 7);
        f.stopAfter = 4;
        addFlows(8, 9);
        assertThat(f.take(1)).containsExactly(8);
        f.ends();
    }

    @Test
    @Timeout(20)
    void followingAfterTheLastNGoesOnWithNewFlows() throws Exception {
        addFlows(0, 5);
        Following f = new Following(request().setNumber(2)).awaitFollowing();
        assertThat(f.take(2)).containsExactly(3, 4);
        addFlows(5, 7);
        assertThat(f.take(2)).containsExactly(5, 6);
        f.open = false;
        f.ends();
    }

    @Test
    @Timeout(20)
    void followingSinceATimeStartsThereAndFilters() throws Exception {
        addFlows(0, 6);
        Following f = new Following(request().setSince(at(1)).addWhitelist(drops())).awaitFollowing();
        assertThat(f.take(2)).containsExactly(2, 5);
        addFlows(6, 9);
        assertThat(f.take(1)).containsExactly(8);
        f.open = false;
        f.ends();
    }

    @Test
    @Timeout(20)
    void aClientThatGoesAwayEndsTheFollow() throws Exception {
        Following f = new Following(request()).awaitFollowing();
        f.open = false;
        f.ends();
        assertThat(f.received).isEmpty();
    }

    @Test
    @Timeout(20)
    void followingStopsOnceUntilHasPassed() throws Exception {
        addFlows(0, 3);
        Following f = new Following(request().setUntil(at(1)).setSince(at(0)));
        f.ends();
        assertThat(f.take(2)).containsExactly(0, 1);
    }

    @Test
    @Timeout(20)
    void aFollowerThatFallsBehindIsToldWhatItMissedAndGoesOn() throws Exception {
        addFlows(0, 3);
        // While the follower holds flow 0, the writer laps the ring: 40 more flows into 15 slots.
        Following f = new Following(request().setSince(at(0)), () -> addFlows(3, 43));
        assertThat(f.take(1)).containsExactly(0);
        FlowEvent lost = f.received.poll(5, TimeUnit.SECONDS);
        assertThat(lost).isInstanceOfSatisfying(LostEvents.class, l -> {
            assertThat(l.source()).isEqualTo(LostEventSource.HUBBLE_RING_BUFFER);
            assertThat(l.count()).as("flows 1 to 27").isEqualTo(27);
        });
        assertThat(f.take(15)).containsExactlyElementsOf(java.util.stream.IntStream.range(28, 43).boxed().toList());
        f.open = false;
        f.ends();
    }
}
