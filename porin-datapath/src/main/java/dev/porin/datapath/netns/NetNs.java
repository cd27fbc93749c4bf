// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netns;

import dev.porin.datapath.sys.Libc;
import dev.porin.datapath.sys.NativeException;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs code inside a network namespace, e.g. {@code /var/run/netns/foo} or {@code /proc/<pid>/ns/net}.
 *
 * <p>setns(2) moves only the calling OS thread. Each call therefore starts a new platform thread that
 * enters the namespace, runs the task and ends: no thread ever has to find its way back to the host
 * namespace, and no pooled thread, virtual thread carrier included, ever leaves it. A call costs a
 * fraction of a millisecond, nearly all of it creating the thread; setns itself takes microseconds.
 *
 * <p>What the task opens stays in the namespace after the call: an rtnetlink socket or a {@code /proc/sys/net}
 * file belongs to the namespace of the thread that opened it. Platform threads the task starts inherit the
 * namespace; virtual threads it starts run on carriers in the host namespace.
 */
public final class NetNs {

    private NetNs() {
    }

    /**
     * Runs {@code task} inside the namespace at {@code netns} and returns its result. Whatever the task
     * throws reaches the caller as it was thrown. If the caller is interrupted while it waits, the task's
     * thread is interrupted too, the call still waits for the task to end, and the caller's interrupt
     * status is set again before it returns.
     */
    public static <T> T call(Path netns, Callable<T> task) throws Exception {
        try (Handle ns = open(netns)) {
            FutureTask<T> future = new FutureTask<>(() -> {
                try {
                    Libc.setns(ns.fd(), Libc.CLONE_NEWNET);
                } catch (NativeException e) {
                    throw new NativeException("setns(" + netns + ")", e.errno());
                }
                return task.call();
            });
            Thread thread = Thread.ofPlatform().name("porin-netns-" + netns.getFileName()).start(future);
            joinUninterruptibly(thread);
            try {
                return future.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                if (e.getCause() instanceof Error cause) {
                    throw cause;
                }
                throw e;
            }
        }
    }

    /** Runs {@code task} inside the namespace at {@code netns}, as {@link #call} does. */
    public static void run(Path netns, Runnable task) {
        try {
            call(netns, () -> {
                task.run();
                return null;
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("a Runnable threw a checked exception", e);
        }
    }

    /** Opens the namespace, e.g. for {@code VethSpec.peerNetnsFd}; the caller closes it. */
    public static Handle open(Path netns) {
        return new Handle(netns, Libc.open(netns.toString()));
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                thread.interrupt();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** An open file descriptor of a network namespace. Closing it twice is harmless. */
    public static final class Handle implements AutoCloseable {

        private final Path path;
        private final int fd;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Handle(Path path, int fd) {
            this.path = path;
            this.fd = fd;
        }

        public Path path() {
            return path;
        }

        public int fd() {
            if (closed.get()) {
                throw new IllegalStateException("the handle of " + path + " is closed");
            }
            return fd;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                Libc.close(fd);
            }
        }

        @Override
        public String toString() {
            return "NetNs.Handle[" + path + ", fd " + fd + "]";
        }
    }
}
