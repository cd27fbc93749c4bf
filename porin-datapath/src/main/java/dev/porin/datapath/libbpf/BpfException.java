// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.libbpf;

import dev.porin.datapath.sys.NativeException;

/** A libbpf call that failed: {@code bpf_map_update_elem(porin_lxc) failed: -7 E2BIG (Argument list too long)}. */
public final class BpfException extends NativeException {

    public BpfException(String call, int errno) {
        super(call, errno);
    }

    /** With extra text, such as the tail of the verifier log for a program that did not load. */
    public BpfException(String call, int errno, String detail) {
        super(call, errno, detail);
    }
}
