// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e.harness;

import dev.porin.datapath.netns.NetNs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * TCP inside pods without a process per pod: a socket belongs to the network namespace of the thread that
 * created it, so each socket is opened inside {@link NetNs#call} and then used from any thread.
 */
public final class Tcp {

    private Tcp() {
    }

    /** A server in a pod's namespace that answers every connection with {@code greeting} and closes it. */
    public static final class Server implements AutoCloseable {
        private final ServerSocketChannel channel;
        private final ExecutorService loop = Executors.newVirtualThreadPerTaskExecutor();

        private Server(ServerSocketChannel channel, String greeting) {
            this.channel = channel;
            loop.execute(() -> {
                while (channel.isOpen()) {
                    try (SocketChannel c = channel.accept()) {
                        c.write(ByteBuffer.wrap(greeting.getBytes(StandardCharsets.UTF_8)));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            loop.shutdownNow();
        }
    }

    /** A server in a pod's namespace that echoes every line back on the same connection. */
    public static final class Echo implements AutoCloseable {
        private final ServerSocketChannel channel;
        private final ExecutorService loop = Executors.newVirtualThreadPerTaskExecutor();

        private Echo(ServerSocketChannel channel) {
            this.channel = channel;
            loop.execute(() -> {
                while (channel.isOpen()) {
                    try {
                        SocketChannel c = channel.accept();
                        loop.execute(() -> echo(c));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private static void echo(SocketChannel c) {
            try (c) {
                ByteBuffer b = ByteBuffer.allocate(4096);
                while (c.read(b) >= 0) {
                    b.flip();
                    while (b.hasRemaining()) {
                        c.write(b);
                    }
                    b.clear();
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            loop.shutdownNow();
        }
    }

    public static Echo echo(Path netns, int port) {
        return new Echo(listen(netns, port));
    }

    /** A long-lived connection from a pod, for showing that established traffic survives changes. */
    public static final class Connection implements AutoCloseable {
        private final SocketChannel channel;

        private Connection(SocketChannel channel) {
            this.channel = channel;
        }

        /** Sends {@code text} and returns what came back within 3 s, or null. */
        public String roundTrip(String text) {
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<String> f = ex.submit(() -> {
                    byte[] out = text.getBytes(StandardCharsets.UTF_8);
                    channel.write(ByteBuffer.wrap(out));
                    ByteBuffer in = ByteBuffer.allocate(out.length);
                    while (in.hasRemaining() && channel.read(in) >= 0) {
                        // keep reading until the echo is complete
                    }
                    in.flip();
                    return StandardCharsets.UTF_8.decode(in).toString();
                });
                try {
                    return f.get(3, TimeUnit.SECONDS);
                } catch (Exception e) {
                    f.cancel(true);
                    return null;
                }
            }
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public static Connection connect(Path netns, String ip, int port) {
        try {
            SocketChannel ch = NetNs.call(netns, SocketChannel::open);
            ch.socket().connect(new InetSocketAddress(ip, port), 3000);
            return new Connection(ch);
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect from " + netns + " to " + ip + ":" + port, e);
        }
    }

    /** A connection from a pod if it is established within {@code timeout}, else null. */
    public static Connection tryConnect(Path netns, String ip, int port, Duration timeout) {
        SocketChannel ch = open(netns, 1).getFirst();
        try {
            ch.socket().connect(new InetSocketAddress(ip, port), (int) timeout.toMillis());
            return new Connection(ch);
        } catch (IOException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to do
            }
            return null;
        }
    }

    private static ServerSocketChannel listen(Path netns, int port) {
        try {
            return NetNs.call(netns, () -> {
                ServerSocketChannel s = ServerSocketChannel.open();
                s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                s.bind(new InetSocketAddress(port));
                return s;
            });
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on port " + port + " in " + netns, e);
        }
    }

    public static Server serve(Path netns, int port, String greeting) {
        return new Server(listen(netns, port), greeting);
    }

    /** {@code count} unconnected sockets of the namespace at {@code netns} (or of the host, for null). */
    public static List<SocketChannel> open(Path netns, int count) {
        try {
            java.util.concurrent.Callable<List<SocketChannel>> opener = () -> {
                List<SocketChannel> out = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    out.add(SocketChannel.open());
                }
                return out;
            };
            return netns == null ? opener.call() : NetNs.call(netns, opener);
        } catch (Exception e) {
            throw new IllegalStateException("cannot open TCP sockets in " + netns, e);
        }
    }

    /**
     * Connects {@code channel} to {@code ip:port} and returns what the server said before closing, or null
     * if connecting or reading did not finish within {@code timeout} (each). Closes the channel.
     */
    public static String exchange(SocketChannel channel, String ip, int port, Duration timeout) {
        try (channel) {
            var socket = channel.socket();
            socket.connect(new InetSocketAddress(ip, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.net.SocketTimeoutException | java.net.ConnectException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("TCP to " + ip + ":" + port, e);
        }
    }

    /**
     * Connects from a pod (or the host, for a null netns) and returns what the server said, or null if the
     * connection did not complete within {@code timeout}.
     */
    public static String request(Path netns, String ip, int port, Duration timeout) {
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            SocketChannel ch = netns == null ? SocketChannel.open() : NetNs.call(netns, SocketChannel::open);
            Future<String> answer = ex.submit(() -> {
                try (ch) {
                    ch.connect(new InetSocketAddress(ip, port));
                    ByteBuffer b = ByteBuffer.allocate(256);
                    while (ch.read(b) >= 0) {
                        if (!b.hasRemaining()) {
                            break;
                        }
                    }
                    b.flip();
                    return StandardCharsets.UTF_8.decode(b).toString();
                }
            });
            try {
                return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                ch.close();
                return null;
            } catch (java.util.concurrent.ExecutionException e) {
                return null;
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect from " + netns + " to " + ip + ":" + port, e);
        }
    }
}
