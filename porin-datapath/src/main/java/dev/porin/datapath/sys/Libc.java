// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * libc through {@code java.lang.foreign}. Calls that report failure through errno are bound with
 * {@link #downcallWithErrno}: their handle takes a capture segment (from {@link #errnoState}) as its
 * first argument, and {@link #errno} reads the value the call left there.
 */
public final class Libc {

    public static final Linker LINKER = Linker.nativeLinker();
    public static final SymbolLookup LOOKUP = LINKER.defaultLookup();

    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 0x80000;
    public static final int CLONE_NEWNET = 0x40000000;

    private static final MethodHandle STRERROR = downcall(LOOKUP, "strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle CLOSE = downcall(LOOKUP, "close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle OPEN =
            downcallWithErrno(LOOKUP, "open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETNS =
            downcallWithErrno(LOOKUP, "setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle MOUNT = downcallWithErrno(LOOKUP, "mount",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle IF_NAMETOINDEX =
            downcallWithErrno(LOOKUP, "if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private static final MethodHandle MMAP = downcallWithErrno(LOOKUP, "mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = downcall(LOOKUP, "munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle POLL =
            downcallWithErrno(LOOKUP, "poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle GETPAGESIZE = downcall(LOOKUP, "getpagesize", FunctionDescriptor.of(JAVA_INT));

    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    private static final short POLLIN = 1;

    private static final MethodHandle CLOCK_GETTIME =
            downcall(LOOKUP, "clock_gettime", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final int CLOCK_MONOTONIC = 1;

    private Libc() {
    }

    public static MethodHandle downcall(SymbolLookup lookup, String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(symbol(lookup, name), fd);
    }

    public static MethodHandle downcallWithErrno(SymbolLookup lookup, String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(symbol(lookup, name), fd, CAPTURE_ERRNO);
    }

    private static MemorySegment symbol(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new UnsatisfiedLinkError("symbol not found: " + name));
    }

    /** A segment for a call's captured errno, owned by {@code arena}. */
    public static MemorySegment errnoState(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    public static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    public static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Opens a file read-only with O_CLOEXEC, e.g. a network namespace under /var/run/netns. */
    public static int open(String path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = errnoState(arena);
            int fd = (int) OPEN.invokeExact(st, arena.allocateFrom(path), O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                throw new NativeException("open(" + path + ")", errno(st));
            }
            return fd;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static void close(int fd) {
        try {
            int rc = (int) CLOSE.invokeExact(fd);
            assert rc == 0 || rc == -1;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * Moves the calling thread into the network namespace {@code fd} refers to. Only for platform
     * threads that are dedicated to the namespace: a virtual thread may continue on another carrier.
     */
    public static void setns(int fd, int nstype) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = errnoState(arena);
            int rc = (int) SETNS.invokeExact(st, fd, nstype);
            if (rc != 0) {
                throw new NativeException("setns", errno(st));
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static void mount(String source, String target, String fsType, long flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = errnoState(arena);
            int rc = (int) MOUNT.invokeExact(st, arena.allocateFrom(source), arena.allocateFrom(target),
                    arena.allocateFrom(fsType), flags, MemorySegment.NULL);
            if (rc != 0) {
                throw new NativeException("mount(" + fsType + " on " + target + ")", errno(st));
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static int pageSize() {
        try {
            return (int) GETPAGESIZE.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Maps {@code length} bytes of {@code fd} at {@code offset}; the segment must be given back with {@link #munmap}. */
    public static MemorySegment mmap(long length, int prot, int fd, long offset) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = errnoState(arena);
            MemorySegment addr = (MemorySegment) MMAP.invokeExact(st, MemorySegment.NULL, length, prot, MAP_SHARED, fd, offset);
            if (addr.address() == -1L) {
                throw new NativeException("mmap(fd " + fd + ", " + length + " bytes)", errno(st));
            }
            return addr.reinterpret(length);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static void munmap(MemorySegment mapping) {
        try {
            int rc = (int) MUNMAP.invokeExact(mapping, mapping.byteSize());
            assert rc == 0;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Waits up to {@code timeoutMillis} for {@code fd} to become readable; true if it is. */
    public static boolean pollIn(int fd, int timeoutMillis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pfd = arena.allocate(8, 4);
            pfd.set(JAVA_INT, 0, fd);
            pfd.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 4, POLLIN);
            MemorySegment st = errnoState(arena);
            int n = (int) POLL.invokeExact(st, pfd, 1L, timeoutMillis);
            if (n < 0) {
                int e = errno(st);
                if (e == Errno.EINTR) {
                    return false;
                }
                throw new NativeException("poll(fd " + fd + ")", e);
            }
            return n > 0;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** CLOCK_MONOTONIC in nanoseconds: the clock of {@code bpf_ktime_get_ns()}. */
    public static long monotonicNanos() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(16, 8);
            int rc = (int) CLOCK_GETTIME.invokeExact(CLOCK_MONOTONIC, ts);
            if (rc != 0) {
                throw new IllegalStateException("clock_gettime(CLOCK_MONOTONIC) failed");
            }
            return ts.get(JAVA_LONG, 0) * 1_000_000_000L + ts.get(JAVA_LONG, 8);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Seconds of CLOCK_MONOTONIC: the clock of the datapath's conntrack lifetimes ({@code bpf_ktime_get_ns}). */
    public static long monotonicSeconds() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ts = arena.allocate(16, 8);
            int rc = (int) CLOCK_GETTIME.invokeExact(CLOCK_MONOTONIC, ts);
            if (rc != 0) {
                throw new IllegalStateException("clock_gettime(CLOCK_MONOTONIC) failed");
            }
            return ts.get(JAVA_LONG, 0);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The interface index of {@code name} in the calling thread's network namespace, or 0 if there is none. */
    public static int ifNameToIndex(String name) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) IF_NAMETOINDEX.invokeExact(errnoState(arena), arena.allocateFrom(name));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
