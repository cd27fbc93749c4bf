// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.sys;

/**
 * A kernel or library call that failed, carrying the call and its errno:
 * {@code bpf_map_update_elem(porin_lxc) failed: -7 E2BIG (Argument list too long)}.
 */
public class NativeException extends RuntimeException {

    private final String call;
    private final int errno;

    public NativeException(String call, int errno) {
        super(call + " failed: " + Errno.describe(errno));
        this.call = call;
        this.errno = Math.abs(errno);
    }

    public NativeException(String call, int errno, String detail) {
        super(call + " failed: " + Errno.describe(errno) + (detail.isBlank() ? "" : "\n" + detail));
        this.call = call;
        this.errno = Math.abs(errno);
    }

    public String call() {
        return call;
    }

    /** The positive errno value. */
    public int errno() {
        return errno;
    }
}
