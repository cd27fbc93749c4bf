// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The last flows, in a fixed-size ring: one writer (the event reader) never waits for readers, and a reader
 * that falls behind by more than the ring's size finds the flows it missed gone, and is told how many.
 *
 * <p>Every event ever written has a sequence number. A reader keeps its own position and reads by
 * sequence; a slot is checked again after it is read, so an overwrite during the read is detected rather
 * than returned. Capacity is a power of two minus one (the slot being written is never readable), as in
 * Hubble.
 */
public final class FlowRing {

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(FlowEvent[].class);
    private static final VarHandle WRITTEN;

    static {
        try {
            WRITTEN = MethodHandles.lookup().findVarHandle(FlowRing.class, "written", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final FlowEvent[] slots;
    private final int mask;
    @SuppressWarnings("unused") // through WRITTEN
    private volatile long written;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition published = lock.newCondition();
    private volatile int waiters;

    /** A ring for at least {@code size} flows, rounded up to a power of two minus one. */
    public FlowRing(int size) {
        if (size < 1 || size > (1 << 24)) {
            throw new IllegalArgumentException("flow buffer size must be between 1 and " + (1 << 24) + ": " + size);
        }
        int slots = Integer.highestOneBit(size) << 1;
        this.slots = new FlowEvent[slots];
        this.mask = slots - 1;
    }

    /** How many flows the ring holds at most. */
    public int capacity() {
        return mask;
    }

    /** Appends an event. Only the writer thread calls this; readers see it after {@link #publish()}. */
    public void add(FlowEvent event) {
        long seq = (long) WRITTEN.getOpaque(this);
        SLOTS.setRelease(slots, (int) (seq & mask), event);
        WRITTEN.setRelease(this, seq + 1);
    }

    /** Wakes readers waiting for new events; the writer calls it once per batch. */
    public void publish() {
        // Orders the writes of add() before the read of waiters; await() does the mirror image.
        VarHandle.fullFence();
        if (waiters == 0) {
            return;
        }
        lock.lock();
        try {
            published.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The sequence number the next event will get: the count of events ever written. */
    public long end() {
        return (long) WRITTEN.getAcquire(this);
    }

    /** The oldest sequence number still readable. */
    public long start() {
        return Math.max(0, end() - mask);
    }

    /** How many events the ring holds now. */
    public int size() {
        return (int) (end() - start());
    }

    /** The event with sequence {@code seq}, or null if it was overwritten (or not written yet). */
    public FlowEvent get(long seq) {
        if (seq < 0 || seq >= end()) {
            return null;
        }
        FlowEvent e = (FlowEvent) SLOTS.getAcquire(slots, (int) (seq & mask));
        // Overwritten while we read it? The writer may be filling the slot after the readable window.
        return seq < end() - mask ? null : e;
    }

    /**
     * Waits until an event with sequence {@code seq} or later exists, for at most {@code timeout}.
     * Returns whether one does.
     */
    public boolean await(long seq, long timeout, TimeUnit unit) throws InterruptedException {
        if (end() > seq) {
            return true;
        }
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            waiters++;
            try {
                while ((long) WRITTEN.getVolatile(this) <= seq) {
                    if (nanos <= 0) {
                        return false;
                    }
                    nanos = published.awaitNanos(nanos);
                }
                return true;
            } finally {
                waiters--;
            }
        } finally {
            lock.unlock();
        }
    }
}
