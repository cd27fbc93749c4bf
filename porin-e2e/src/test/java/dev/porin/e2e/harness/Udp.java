// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e.harness;

import dev.porin.datapath.netns.NetNs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * UDP inside pods, the way {@link Tcp} does TCP: each channel is opened inside {@link NetNs#call}, so it
 * belongs to the pod's network namespace, and is then used from ordinary (virtual) threads.
 */
public final class Udp {

    private Udp() {
    }

    /**
     * A server in a pod's namespace that answers every datagram with {@code name|payload}, so that a
     * client can tell who answered and which of its datagrams the answer is for.
     */
    public static final class Echo implements AutoCloseable {
        private final DatagramChannel channel;
        private final ExecutorService loop = Executors.newVirtualThreadPerTaskExecutor();

        private Echo(DatagramChannel channel, String name) {
            this.channel = channel;
            byte[] prefix = (name + "|").getBytes(StandardCharsets.UTF_8);
            loop.execute(() -> {
                ByteBuffer in = ByteBuffer.allocate(2048);
                while (channel.isOpen()) {
                    try {
                        in.clear();
                        SocketAddress from = channel.receive(in);
                        in.flip();
                        ByteBuffer out = ByteBuffer.allocate(prefix.length + in.remaining());
                        out.put(prefix).put(in).flip();
                        channel.send(out, from);
                    } catch (IOException e) {
                        if (!channel.isOpen()) {
                            return;
                        }
                        // an ICMP error for an earlier answer; keep serving
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

    /** Serves UDP on {@code port} in the pod's namespace, answering as {@code name}. */
    public static Echo echo(Path netns, int port, String name) {
        try {
            DatagramChannel ch = NetNs.call(netns, () -> {
                DatagramChannel c = DatagramChannel.open();
                c.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                c.bind(new InetSocketAddress(port));
                return c;
            });
            return new Echo(ch, name);
        } catch (Exception e) {
            throw new IllegalStateException("cannot serve UDP on port " + port + " in " + netns, e);
        }
    }

    /** {@code count} unbound channels of the namespace at {@code netns} (or of the host, for null). */
    public static List<DatagramChannel> open(Path netns, int count) {
        try {
            java.util.concurrent.Callable<List<DatagramChannel>> opener = () -> {
                List<DatagramChannel> out = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    out.add(DatagramChannel.open());
                }
                return out;
            };
            return netns == null ? opener.call() : NetNs.call(netns, opener);
        } catch (Exception e) {
            throw new IllegalStateException("cannot open UDP sockets in " + netns, e);
        }
    }

    /**
     * Sends {@code payload} from {@code channel} to {@code ip:port} and returns the answer, or null if none
     * came within {@code timeout}. Closes the channel.
     */
    public static String exchange(DatagramChannel channel, String ip, int port, String payload, Duration timeout) {
        try (channel) {
            channel.connect(new InetSocketAddress(ip, port));
            channel.write(ByteBuffer.wrap(payload.getBytes(StandardCharsets.UTF_8)));
            var socket = channel.socket();
            socket.setSoTimeout((int) timeout.toMillis());
            DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
            socket.receive(packet);
            return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
        } catch (SocketTimeoutException | java.net.PortUnreachableException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("UDP to " + ip + ":" + port, e);
        }
    }

    /** One datagram from a pod (or the host, for a null netns); the answer, or null after {@code timeout}. */
    public static String request(Path netns, String ip, int port, String payload, Duration timeout) {
        return exchange(open(netns, 1).getFirst(), ip, port, payload, timeout);
    }
}
