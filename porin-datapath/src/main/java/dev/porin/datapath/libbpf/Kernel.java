// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.libbpf;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the running kernel is and which eBPF features it offers, asked of the kernel itself. */
public final class Kernel {

    /** {@code enum bpf_prog_type}. */
    public static final int PROG_TYPE_SCHED_CLS = 3;
    public static final int PROG_TYPE_CGROUP_SOCK_ADDR = 18;

    /** {@code enum bpf_func_id}. */
    public static final int FUNC_REDIRECT = 23;
    public static final int FUNC_RINGBUF_RESERVE = 131;
    public static final int FUNC_REDIRECT_PEER = 155;

    private static final int POSSIBLE_CPUS = numPossibleCpus();

    private Kernel() {
    }

    /** Possible CPUs: how many slots a per-CPU map value has. */
    public static int possibleCpus() {
        return POSSIBLE_CPUS;
    }

    /** The kernel release, e.g. {@code 6.18.44}. */
    public static String release() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    public static boolean supports(MapType type) {
        return probe(LibBpf.PROBE_MAP_TYPE, type.value(), -1);
    }

    public static boolean supportsProgType(int progType) {
        return probe(LibBpf.PROBE_PROG_TYPE, progType, -1);
    }

    public static boolean supportsHelper(int progType, int helper) {
        return probe(LibBpf.PROBE_HELPER, progType, helper);
    }

    /**
     * The features Porin relies on, by the name {@code porin status} shows, in a stable order. Every value
     * comes from a probe of the running kernel, not from its version number.
     */
    public static Map<String, Boolean> features() {
        Map<String, Boolean> f = new LinkedHashMap<>();
        f.put("BTF", Files.exists(Path.of("/sys/kernel/btf/vmlinux")));
        f.put("tc-bpf", supportsProgType(PROG_TYPE_SCHED_CLS));
        f.put("redirect-peer", supportsHelper(PROG_TYPE_SCHED_CLS, FUNC_REDIRECT_PEER));
        f.put("lru-hash", supports(MapType.LRU_HASH));
        f.put("lpm-trie", supports(MapType.LPM_TRIE));
        f.put("map-in-map", supports(MapType.HASH_OF_MAPS));
        f.put("ringbuf", supports(MapType.RINGBUF));
        f.put("cgroup-sock-addr", supportsProgType(PROG_TYPE_CGROUP_SOCK_ADDR));
        return f;
    }

    private static boolean probe(java.lang.invoke.MethodHandle handle, int a, int b) {
        int rc;
        try {
            rc = b < 0 ? (int) handle.invokeExact(a, MemorySegment.NULL) : (int) handle.invokeExact(a, b, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        return rc == 1;
    }

    private static int numPossibleCpus() {
        int n;
        try {
            n = (int) LibBpf.NUM_POSSIBLE_CPUS.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (n <= 0) {
            throw new BpfException("libbpf_num_possible_cpus", n);
        }
        return n;
    }
}
