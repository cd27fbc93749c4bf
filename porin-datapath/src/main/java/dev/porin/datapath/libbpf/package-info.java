// SPDX-License-Identifier: Apache-2.0
/**
 * libbpf ({@code libbpf.so.1}, the 1.1 API) through {@code java.lang.foreign}: objects, maps, programs,
 * tc attachment, {@code BPF_PROG_TEST_RUN}, BTF and feature probes. Handles own their native pointers
 * and file descriptors and close them; failures surface as {@link dev.porin.datapath.libbpf.BpfException}
 * naming the libbpf function and the errno.
 */
package dev.porin.datapath.libbpf;
