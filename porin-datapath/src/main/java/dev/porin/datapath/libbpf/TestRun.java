// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.libbpf;

/**
 * The outcome of running a program once on a packet with {@code BPF_PROG_TEST_RUN}: its return value,
 * the packet as the program left it, and the average run time.
 */
public record TestRun(int retval, byte[] packet, int durationNanos) {

    /** tc verdicts ({@code linux/pkt_cls.h}). */
    public static final int TC_ACT_OK = 0;
    public static final int TC_ACT_SHOT = 2;
    public static final int TC_ACT_REDIRECT = 7;

    public TestRun {
        packet = packet.clone();
    }

    @Override
    public byte[] packet() {
        return packet.clone();
    }
}
