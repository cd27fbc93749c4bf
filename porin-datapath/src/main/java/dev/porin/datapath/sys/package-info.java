// SPDX-License-Identifier: Apache-2.0
/**
 * The boundary to libc: errno-capturing downcalls through {@code java.lang.foreign}, errno names, and
 * the few system calls every other datapath package needs (file descriptors, network namespaces,
 * mounts).
 */
package dev.porin.datapath.sys;
