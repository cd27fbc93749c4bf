// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import dev.porin.datapath.sys.Errno;
import dev.porin.datapath.sys.Libc;
import dev.porin.datapath.sys.NativeException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * An {@code AF_NETLINK/NETLINK_ROUTE} socket that sends one request at a time and reads its replies. The
 * kernel binds the socket to the network namespace of the thread that creates it, for its whole life.
 * Exchanges are serialized, so one socket can be shared between threads.
 */
final class NetlinkSocket implements AutoCloseable {

    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int NETLINK_ROUTE = 0;
    private static final int SOL_NETLINK = 270;
    private static final int NETLINK_CAP_ACK = 10;
    private static final int NETLINK_EXT_ACK = 11;
    private static final int NETLINK_GET_STRICT_CHK = 12;
    private static final int MSG_TRUNC = 0x20;
    /** sizeof(struct sockaddr_nl): family, pad, pid, groups. */
    private static final int SOCKADDR_NL_SIZE = 12;
    /** Dump replies come in datagrams of at most 32 KiB; this leaves room to spare. */
    private static final int RECEIVE_BUFFER = 64 * 1024;
    private static final int DUMP_ATTEMPTS = 3;

    private static final MethodHandle SOCKET = Libc.downcallWithErrno(Libc.LOOKUP, "socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = Libc.downcallWithErrno(Libc.LOOKUP, "setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle BIND = Libc.downcallWithErrno(Libc.LOOKUP, "bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SEND = Libc.downcallWithErrno(Libc.LOOKUP, "send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECV = Libc.downcallWithErrno(Libc.LOOKUP, "recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    private final ReentrantLock lock = new ReentrantLock();
    private final Arena arena = Arena.ofShared();
    private final MemorySegment errno = Libc.errnoState(arena);
    private final MemorySegment receiveBuffer = arena.allocate(RECEIVE_BUFFER);
    private final int fd;
    private int sequence;
    private boolean closed;

    private NetlinkSocket(int fd) {
        this.fd = fd;
    }

    /** Opens and binds a socket in the calling thread's network namespace. */
    static NetlinkSocket open() {
        int fd = socket();
        NetlinkSocket socket = new NetlinkSocket(fd);
        try {
            // Extended acks add the kernel's explanation to errors; capped acks keep errors from echoing
            // whole requests; strict checking makes the kernel filter dumps by the header's fields.
            socket.setOption(NETLINK_EXT_ACK, "NETLINK_EXT_ACK");
            socket.setOption(NETLINK_CAP_ACK, "NETLINK_CAP_ACK");
            socket.setOption(NETLINK_GET_STRICT_CHK, "NETLINK_GET_STRICT_CHK");
            socket.bind();
            return socket;
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends a request and waits for its acknowledgement; returns the replies that came before it. */
    List<NetlinkMessage> request(MessageBuilder request, String operation) {
        return exchange(request, operation).messages();
    }

    /** Runs a dump to its end, again if the kernel reports it changed while it was read. */
    List<NetlinkMessage> dump(MessageBuilder request, String operation) {
        for (int attempt = 1; ; attempt++) {
            ReplyCollector replies = exchange(request, operation);
            if (!replies.interrupted()) {
                return replies.messages();
            }
            if (attempt == DUMP_ATTEMPTS) {
                throw new NetlinkException(operation, Errno.EINTR,
                        "the dump changed while being read " + DUMP_ATTEMPTS + " times in a row (NLM_F_DUMP_INTR)");
            }
        }
    }

    private ReplyCollector exchange(MessageBuilder request, String operation) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("netlink socket is closed");
            }
            int seq = ++sequence;
            send(request.build(seq), operation);
            ReplyCollector replies = new ReplyCollector(seq, operation);
            while (!replies.accept(receive(operation))) {
                // more datagrams to come: a dump, or replies ahead of the acknowledgement
            }
            return replies;
        } finally {
            lock.unlock();
        }
    }

    private void send(byte[] message, String operation) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment m = call.allocateFrom(JAVA_BYTE, message);
            long sent;
            do {
                sent = (long) SEND.invokeExact(errno, fd, m, (long) message.length, 0);
            } while (sent < 0 && Libc.errno(errno) == Errno.EINTR);
            if (sent < 0) {
                throw new NativeException("send(" + operation + ")", Libc.errno(errno));
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private ByteBuffer receive(String operation) {
        long length;
        try {
            do {
                // MSG_TRUNC makes recv return the datagram's real length, so truncation cannot go unseen.
                length = (long) RECV.invokeExact(errno, fd, receiveBuffer, (long) RECEIVE_BUFFER, MSG_TRUNC);
            } while (length < 0 && Libc.errno(errno) == Errno.EINTR);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (length < 0) {
            throw new NativeException("recv(" + operation + ")", Libc.errno(errno));
        }
        if (length > RECEIVE_BUFFER) {
            throw new IllegalStateException(operation + ": a " + length + "-byte netlink reply does not fit the "
                    + RECEIVE_BUFFER + "-byte buffer");
        }
        return ByteBuffer.wrap(receiveBuffer.asSlice(0, length).toArray(JAVA_BYTE));
    }

    private static int socket() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment st = Libc.errnoState(call);
            int fd = (int) SOCKET.invokeExact(st, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
            if (fd < 0) {
                throw new NativeException("socket(AF_NETLINK, NETLINK_ROUTE)", Libc.errno(st));
            }
            return fd;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private void setOption(int option, String name) {
        try (Arena call = Arena.ofConfined()) {
            int rc = (int) SETSOCKOPT.invokeExact(errno, fd, SOL_NETLINK, option, call.allocateFrom(JAVA_INT, 1),
                    (int) JAVA_INT.byteSize());
            if (rc != 0) {
                throw new NativeException("setsockopt(" + name + ")", Libc.errno(errno));
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Binds with port id 0, so the kernel assigns a unique one, and no multicast groups. */
    private void bind() {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment address = call.allocate(SOCKADDR_NL_SIZE, 4);
            address.set(JAVA_SHORT, 0, (short) AF_NETLINK);
            int rc = (int) BIND.invokeExact(errno, fd, address, SOCKADDR_NL_SIZE);
            if (rc != 0) {
                throw new NativeException("bind(AF_NETLINK)", Libc.errno(errno));
            }
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                Libc.close(fd);
                arena.close();
            }
        } finally {
            lock.unlock();
        }
    }
}
