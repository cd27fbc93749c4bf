// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.events;

import dev.porin.datapath.libbpf.BpfMap;
import dev.porin.datapath.libbpf.MapType;
import dev.porin.datapath.sys.Libc;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Reads a BPF ring buffer in place. The kernel maps it as a consumer page (ours to write), a producer page
 * and the data area mapped twice in a row, so a record that wraps around the end is still contiguous.
 * Records are handed out as slices of the mapping, valid only during the callback: nothing is copied
 * unless the handler copies it.
 *
 * <p>Not thread-safe: one thread reads.
 */
public final class RingBufferReader implements AutoCloseable {

    /** Receives one record; the segment is only valid during the call. */
    @FunctionalInterface
    public interface Handler {
        void record(MemorySegment record);
    }

    private static final int HEADER = 8;
    private static final int BUSY = 1 << 31;
    private static final int DISCARD = 1 << 30;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final int fd;
    private final long mask;
    private final MemorySegment consumer;
    private final MemorySegment producerAndData;
    private final MemorySegment data;

    public RingBufferReader(BpfMap ring) {
        if (ring.type() != MapType.RINGBUF) {
            throw new IllegalArgumentException(ring.name() + " is not a ring buffer");
        }
        int page = Libc.pageSize();
        long size = ring.maxEntries();
        this.fd = ring.fd();
        this.mask = size - 1;
        this.consumer = Libc.mmap(page, Libc.PROT_READ | Libc.PROT_WRITE, fd, 0);
        try {
            this.producerAndData = Libc.mmap(page + 2 * size, Libc.PROT_READ, fd, page);
        } catch (RuntimeException e) {
            Libc.munmap(consumer);
            throw e;
        }
        this.data = producerAndData.asSlice(page);
    }

    /**
     * Waits up to {@code timeoutMillis} for the kernel to signal data (it does so only for large batches),
     * then consumes every complete record. Returns how many were handed out.
     */
    public int poll(int timeoutMillis, Handler handler) {
        Libc.pollIn(fd, timeoutMillis);
        return consume(handler);
    }

    /** Consumes every complete record there is now, without waiting. */
    public int consume(Handler handler) {
        int n = 0;
        long cons = (long) LONG.getAcquire(consumer, 0L);
        while (true) {
            long prod = (long) LONG.getAcquire(producerAndData, 0L);
            if (cons >= prod) {
                return n;
            }
            while (cons < prod) {
                long at = cons & mask;
                int len = (int) INT.getAcquire(data, at);
                if ((len & BUSY) != 0) {
                    // Still being written: pick it up on the next round.
                    LONG.setRelease(consumer, 0L, cons);
                    return n;
                }
                int size = len & ~(BUSY | DISCARD);
                long next = cons + ((size + HEADER + 7) & ~7);
                if ((len & DISCARD) == 0) {
                    handler.record(data.asSlice(at + HEADER, size));
                    n++;
                }
                cons = next;
                LONG.setRelease(consumer, 0L, cons);
            }
        }
    }

    @Override
    public void close() {
        Libc.munmap(producerAndData);
        Libc.munmap(consumer);
    }
}
