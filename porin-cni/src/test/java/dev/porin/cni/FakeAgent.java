// SPDX-License-Identifier: Apache-2.0
package dev.porin.cni;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the agent's Unix socket: serves one connection at a time with a {@link Handler} and records what
 * the handlers read.
 */
final class FakeAgent implements AutoCloseable {

    /** Serves one connection; the agent closes it afterwards. */
    @FunctionalInterface
    interface Handler {
        void serve(SocketChannel channel, FakeAgent agent) throws IOException;
    }

    private final Path path;
    private final ServerSocketChannel server;
    private final Thread thread;
    private final List<byte[]> requests = new CopyOnWriteArrayList<>();
    private final List<Throwable> failures = new CopyOnWriteArrayList<>();

    private FakeAgent(Path path, Handler handler) throws IOException {
        this.path = path;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        this.thread = Thread.ofPlatform().daemon().name("fake-agent").start(() -> loop(handler));
    }

    static FakeAgent start(Path path, Handler handler) throws IOException {
        return new FakeAgent(path, handler);
    }

    /** Reads the whole request, then answers with the given status and body. */
    static Handler respond(int status, byte[] body) {
        return respondRaw(response(status, body));
    }

    static Handler respond(int status, String body) {
        return respond(status, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the whole request, then writes these bytes as they are. */
    static Handler respondRaw(byte[] raw) {
        return (channel, agent) -> {
            agent.record(readRequest(channel, true));
            write(channel, raw);
        };
    }

    static byte[] response(int status, byte[] body) {
        String head = "HTTP/1.1 " + status + " " + (status == 200 ? "OK" : "Error") + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    Path path() {
        return path;
    }

    List<byte[]> requests() {
        return List.copyOf(requests);
    }

    /** The one request received so far, as text (ISO-8859-1, so that every byte maps to one char). */
    String onlyRequest() {
        if (requests.size() != 1) {
            throw new AssertionError("expected one request, got " + requests.size());
        }
        return new String(requests.getFirst(), StandardCharsets.ISO_8859_1);
    }

    void record(byte[] request) {
        requests.add(request);
    }

    /**
     * Reads a request: up to the end of its header, and if {@code withBody} also the Content-Length bytes that
     * follow (or up to EOF if the peer stops early).
     */
    static byte[] readRequest(SocketChannel channel, boolean withBody) throws IOException {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long total = -1;
        while (true) {
            if (total < 0) {
                int end = indexOf(in.toByteArray(), "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                if (end >= 0) {
                    total = end + 4 + (withBody ? contentLength(new String(in.toByteArray(), 0, end,
                            StandardCharsets.ISO_8859_1)) : 0);
                }
            }
            if (total >= 0 && in.size() >= total) {
                return in.toByteArray();
            }
            chunk.clear();
            if (channel.read(chunk) < 0) {
                return in.toByteArray();
            }
            in.write(chunk.array(), 0, chunk.position());
        }
    }

    static void write(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(bytes);
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }

    private static long contentLength(String header) {
        for (String line : header.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Long.parseLong(line.substring("content-length:".length()).strip());
            }
        }
        return 0;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void loop(Handler handler) {
        while (server.isOpen()) {
            try (SocketChannel channel = server.accept()) {
                handler.serve(channel, this);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                failures.add(e);
            }
        }
    }

    /** What went wrong in the handlers, e.g. a write to a shim that had already given up. */
    List<Throwable> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        thread.join(10_000);
        Files.deleteIfExists(path);
    }
}
