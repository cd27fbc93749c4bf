// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.libbpf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

import static dev.porin.datapath.libbpf.LibBpf.TEST_RUN_OPTS;
import static dev.porin.datapath.libbpf.LibBpf.offset;

/** A loaded program of a {@link BpfObject}; the object owns its descriptor. */
public final class BpfProgram {

    /** {@code struct __sk_buff}: its size and the members a test run may preset. */
    private static final int SKB_SIZE = 192;
    private static final long SKB_MARK = 8;
    private static final long SKB_INGRESS_IFINDEX = 36;
    private static final long SKB_IFINDEX = 40;

    private final String name;
    private final int fd;

    BpfProgram(String name, int fd) {
        this.name = name;
        this.fd = fd;
    }

    public String name() {
        return name;
    }

    public int fd() {
        return fd;
    }

    /**
     * Runs a tc program once on {@code packet} with {@code BPF_PROG_TEST_RUN}, as if it arrived on the
     * device {@code ifindex} (which must exist in the caller's network namespace; 0 means loopback).
     */
    public TestRun testRun(byte[] packet, int ifindex) {
        return testRun(packet, ifindex, 0, 1);
    }

    /** As {@link #testRun(byte[], int)}, with a preset skb mark and a repeat count for timing. */
    public TestRun testRun(byte[] packet, int ifindex, int mark, int repeat) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocateFrom(ValueLayout.JAVA_BYTE, packet);
            int outSize = packet.length + 256;
            MemorySegment out = arena.allocate(outSize);
            MemorySegment skb = arena.allocate(SKB_SIZE);
            skb.set(ValueLayout.JAVA_INT, SKB_MARK, mark);
            skb.set(ValueLayout.JAVA_INT, SKB_IFINDEX, ifindex);
            skb.set(ValueLayout.JAVA_INT, SKB_INGRESS_IFINDEX, ifindex);

            MemorySegment opts = arena.allocate(TEST_RUN_OPTS);
            opts.set(ValueLayout.JAVA_LONG, offset(TEST_RUN_OPTS, "sz"), TEST_RUN_OPTS.byteSize());
            opts.set(ValueLayout.ADDRESS, offset(TEST_RUN_OPTS, "data_in"), in);
            opts.set(ValueLayout.JAVA_INT, offset(TEST_RUN_OPTS, "data_size_in"), packet.length);
            opts.set(ValueLayout.ADDRESS, offset(TEST_RUN_OPTS, "data_out"), out);
            opts.set(ValueLayout.JAVA_INT, offset(TEST_RUN_OPTS, "data_size_out"), outSize);
            opts.set(ValueLayout.ADDRESS, offset(TEST_RUN_OPTS, "ctx_in"), skb);
            opts.set(ValueLayout.JAVA_INT, offset(TEST_RUN_OPTS, "ctx_size_in"), SKB_SIZE);
            opts.set(ValueLayout.JAVA_INT, offset(TEST_RUN_OPTS, "repeat"), repeat);

            int rc = (int) LibBpf.PROG_TEST_RUN_OPTS.invokeExact(fd, opts);
            if (rc < 0) {
                throw new BpfException("bpf_prog_test_run_opts(" + name + ")", rc);
            }
            int outLen = opts.get(ValueLayout.JAVA_INT, offset(TEST_RUN_OPTS, "data_size_out"));
            return new TestRun(
                    opts.get(ValueLayout.JAVA_INT, offset(TEST_RUN_OPTS, "retval")),
                    out.asSlice(0, outLen).toArray(ValueLayout.JAVA_BYTE),
                    opts.get(ValueLayout.JAVA_INT, offset(TEST_RUN_OPTS, "duration")));
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Pins the program at {@code path}, so that bpftool and the next agent can find it. */
    public void pin(Path path) {
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            rc = (int) LibBpf.OBJ_PIN.invokeExact(fd, arena.allocateFrom(path.toString()));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (rc < 0) {
            throw new BpfException("bpf_obj_pin(" + name + ", " + path + ")", rc);
        }
    }

    @Override
    public String toString() {
        return name + " (fd " + fd + ")";
    }
}
