// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.libbpf;

import dev.porin.datapath.sys.Errno;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.OptionalInt;

import static dev.porin.datapath.libbpf.LibBpf.TC_HOOK;
import static dev.porin.datapath.libbpf.LibBpf.TC_OPTS;
import static dev.porin.datapath.libbpf.LibBpf.offset;

/**
 * Programs on a device's {@code clsact} qdisc, in direct-action mode. Porin owns one filter slot per
 * direction (handle and priority below), so attaching again replaces the program atomically: no packet
 * passes unfiltered while a restarted agent swaps in its freshly loaded programs.
 */
public final class Tc {

    public enum Direction {
        /** Packets the device receives; on a pod's host-side veth, what the pod sends. */
        INGRESS(1),
        /** Packets the device transmits; on a pod's host-side veth, what reaches the pod. */
        EGRESS(2);

        private final int attachPoint;

        Direction(int attachPoint) {
            this.attachPoint = attachPoint;
        }
    }

    private static final int HANDLE = 1;
    private static final int PRIORITY = 1;
    private static final int F_REPLACE = 1;

    private Tc() {
    }

    /** Attaches {@code program}, creating the clsact qdisc if needed and replacing any program in Porin's slot. */
    public static void attach(int ifindex, Direction direction, BpfProgram program) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment hook = hook(arena, ifindex, direction);
            int rc = (int) LibBpf.TC_HOOK_CREATE.invokeExact(hook);
            if (rc < 0 && rc != -Errno.EEXIST) {
                throw new BpfException("bpf_tc_hook_create(ifindex " + ifindex + ")", rc);
            }
            MemorySegment opts = opts(arena);
            opts.set(ValueLayout.JAVA_INT, offset(TC_OPTS, "prog_fd"), program.fd());
            opts.set(ValueLayout.JAVA_INT, offset(TC_OPTS, "flags"), F_REPLACE);
            rc = (int) LibBpf.TC_ATTACH.invokeExact(hook, opts);
            if (rc < 0) {
                throw new BpfException("bpf_tc_attach(" + program.name() + ", ifindex " + ifindex + ", "
                        + direction + ")", rc);
            }
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The id of the program in Porin's slot, if any. */
    public static OptionalInt query(int ifindex, Direction direction) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = opts(arena);
            int rc = (int) LibBpf.TC_QUERY.invokeExact(hook(arena, ifindex, direction), opts);
            if (rc == -Errno.ENOENT || rc == -Errno.EINVAL || rc == -Errno.ENODEV) {
                return OptionalInt.empty();
            }
            if (rc < 0) {
                throw new BpfException("bpf_tc_query(ifindex " + ifindex + ", " + direction + ")", rc);
            }
            return OptionalInt.of(opts.get(ValueLayout.JAVA_INT, offset(TC_OPTS, "prog_id")));
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Removes the program in Porin's slot; false if there was none. */
    public static boolean detach(int ifindex, Direction direction) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) LibBpf.TC_DETACH.invokeExact(hook(arena, ifindex, direction), opts(arena));
            if (rc == -Errno.ENOENT || rc == -Errno.EINVAL || rc == -Errno.ENODEV) {
                return false;
            }
            if (rc < 0) {
                throw new BpfException("bpf_tc_detach(ifindex " + ifindex + ", " + direction + ")", rc);
            }
            return true;
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static MemorySegment hook(Arena arena, int ifindex, Direction direction) {
        MemorySegment hook = arena.allocate(TC_HOOK);
        hook.set(ValueLayout.JAVA_LONG, offset(TC_HOOK, "sz"), TC_HOOK.byteSize());
        hook.set(ValueLayout.JAVA_INT, offset(TC_HOOK, "ifindex"), ifindex);
        hook.set(ValueLayout.JAVA_INT, offset(TC_HOOK, "attach_point"), direction.attachPoint);
        return hook;
    }

    private static MemorySegment opts(Arena arena) {
        MemorySegment opts = arena.allocate(TC_OPTS);
        opts.set(ValueLayout.JAVA_LONG, offset(TC_OPTS, "sz"), TC_OPTS.byteSize());
        opts.set(ValueLayout.JAVA_INT, offset(TC_OPTS, "handle"), HANDLE);
        opts.set(ValueLayout.JAVA_INT, offset(TC_OPTS, "priority"), PRIORITY);
        return opts;
    }
}
