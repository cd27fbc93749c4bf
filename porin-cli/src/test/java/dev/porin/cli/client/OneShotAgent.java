// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** An agent socket that answers one request, with a canned response or as a test scripts it, then hangs up. */
public final class OneShotAgent implements AutoCloseable {

    /** How the agent answers, once it has read the request. */
    @FunctionalInterface
    public interface Answer {
        void write(SocketChannel ch) throws Exception;
    }

    public static final String CHUNKED_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n";

    private final ServerSocketChannel server;
    private final CompletableFuture<String> request = new CompletableFuture<>();

    public OneShotAgent(Path socket, String response) throws IOException {
        this(socket, ch -> send(ch, response));
    }

    public OneShotAgent(Path socket, Answer answer) throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread.ofVirtual().start(() -> {
            try (SocketChannel ch = server.accept()) {
                request.complete(readRequest(ch));
                answer.write(ch);
            } catch (Exception e) {
                request.completeExceptionally(e);
            }
        });
    }

    /** An agent that answers with a chunked NDJSON stream of the given lines, each in a chunk of its own. */
    public static OneShotAgent streaming(Path socket, String... lines) throws IOException {
        StringBuilder answer = new StringBuilder(CHUNKED_HEAD);
        for (String line : lines) {
            answer.append(chunk(line + "\n"));
        }
        return new OneShotAgent(socket, answer.append("0\r\n\r\n").toString());
    }

    /** What the client sent, head and body. */
    public String request() throws Exception {
        return request.get(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    public static void send(SocketChannel ch, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** One HTTP chunk carrying data. */
    public static String chunk(String data) {
        return Integer.toHexString(data.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + data + "\r\n";
    }

    private static String readRequest(SocketChannel ch) throws IOException {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(4096);
        int bodyStart = -1;
        int length = 0;
        while (bodyStart < 0 || in.size() < bodyStart + length) {
            if (ch.read(b.clear()) < 0) {
                throw new IOException("client closed early");
            }
            in.write(b.array(), 0, b.position());
            String text = in.toString(StandardCharsets.UTF_8);
            int headEnd = text.indexOf("\r\n\r\n");
            if (bodyStart < 0 && headEnd >= 0) {
                bodyStart = headEnd + 4;
                for (String line : text.substring(0, headEnd).split("\r\n")) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
            }
        }
        return in.toString(StandardCharsets.UTF_8);
    }
}
