// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.client;

import dev.porin.api.Json;
import dev.porin.api.v1.ErrorModel;
import tools.jackson.core.type.TypeReference;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Calls the agent's REST API on its Unix socket: one request per connection, {@code Connection: close}. An
 * answer is read whole ({@link #call}) or line by line as the agent sends it ({@link #stream}); bodies may
 * come with a length or chunked. Errors the agent reports come back as {@link AgentException} with its
 * message; an agent that is not there, with a message saying so and how to start it.
 */
public final class AgentClient {

    private final Path socket;

    public AgentClient(Path socket) {
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }

    public <T> T get(String path, Class<T> type) {
        return Json.MAPPER.readValue(call("GET", path, null), type);
    }

    public <T> T get(String path, TypeReference<T> type) {
        return Json.MAPPER.readValue(call("GET", path, null), type);
    }

    public <T> T send(String method, String path, Object body, Class<T> type) {
        byte[] answer = call(method, path, Json.MAPPER.writeValueAsBytes(body));
        return type == Void.class ? null : Json.MAPPER.readValue(answer, type);
    }

    /** Performs one request and returns the body of a 2xx answer. */
    public byte[] call(String method, String path, byte[] body) {
        try (Exchange x = exchange(method, path, body)) {
            return x.body().readAllBytes();
        } catch (IOException e) {
            throw lost(e);
        }
    }

    /**
     * Performs one request and hands each line of a 2xx answer to {@code lines} as it arrives; returns when
     * the agent ends the answer or {@code lines} returns false.
     */
    public void stream(String method, String path, byte[] body, Predicate<String> lines) {
        try (LineStream s = open(method, path, body)) {
            for (String line = s.next(); line != null && lines.test(line); line = s.next()) {
                // each line has been handed over
            }
        }
    }

    /** Performs one request and returns its 2xx answer, to be read line by line and closed. */
    public LineStream open(String method, String path, byte[] body) {
        return new LineStream(exchange(method, path, body));
    }

    /** The lines of an answer, as they arrive. */
    public final class LineStream implements AutoCloseable {
        private final Exchange exchange;

        private LineStream(Exchange exchange) {
            this.exchange = exchange;
        }

        /** The next line, waiting for it; null once the agent has ended the answer. */
        public String next() {
            try {
                return Lines.read(exchange.body());
            } catch (IOException e) {
                throw lost(e);
            }
        }

        @Override
        public void close() {
            closeQuietly(exchange.channel());
        }
    }

    private record Exchange(SocketChannel channel, InputStream body) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private record Head(int status, String statusLine, Map<String, String> headers) {
    }

    /** Sends the request and reads the head of the answer; a refusal is raised with the agent's message. */
    private Exchange exchange(String method, String path, byte[] body) {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw new AgentException("porin agent is not reachable at " + socket + " (" + e.getMessage()
                    + "); is it running? Start it with: porin agent");
        }
        try {
            StringBuilder head = new StringBuilder()
                    .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: porin\r\nConnection: close\r\n");
            if (body != null) {
                head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            write(ch, head.toString().getBytes(StandardCharsets.US_ASCII));
            if (body != null) {
                write(ch, body);
            }
            InputStream in = new BufferedInputStream(Channels.newInputStream(ch));
            Head answer = readHead(in);
            InputStream content = body(answer, in);
            if (answer.status() / 100 != 2) {
                throw refusal(answer, content.readAllBytes());
            }
            return new Exchange(ch, content);
        } catch (IOException e) {
            closeQuietly(ch);
            throw lost(e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing more is read from it
        }
    }

    private static void write(SocketChannel ch, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private Head readHead(InputStream in) throws IOException {
        String statusLine = Lines.read(in);
        if (statusLine == null) {
            throw new AgentException("the porin agent at " + socket + " closed the connection without answering");
        }
        String[] status = statusLine.split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/") || !status[1].matches("\\d{3}")) {
            throw malformed("status line '" + statusLine + "'");
        }
        Map<String, String> headers = new HashMap<>();
        for (String line = Lines.read(in); line != null && !line.isEmpty(); line = Lines.read(in)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
        }
        return new Head(Integer.parseInt(status[1]), statusLine, headers);
    }

    private InputStream body(Head head, InputStream in) throws IOException {
        if (head.headers().getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
            return new ChunkedInputStream(in);
        }
        String length = head.headers().get("content-length");
        if (length == null) {
            return in; // the body ends when the agent closes the connection
        }
        try {
            return new ByteArrayInputStream(in.readNBytes(Integer.parseInt(length)));
        } catch (NumberFormatException e) {
            throw malformed("Content-Length '" + length + "'");
        }
    }

    private static AgentException refusal(Head head, byte[] body) {
        String message;
        try {
            message = Json.MAPPER.readValue(body, ErrorModel.class).error();
        } catch (RuntimeException e) {
            message = new String(body, StandardCharsets.UTF_8);
        }
        if (message == null || message.isBlank()) {
            message = "the agent answered " + head.statusLine().substring(head.statusLine().indexOf(' ') + 1);
        }
        return new AgentException(message, head.status());
    }

    private AgentException malformed(String what) {
        return new AgentException("malformed answer from the agent at " + socket + ": " + what);
    }

    private AgentException lost(IOException e) {
        return new AgentException("lost the connection to the porin agent at " + socket + ": " + e.getMessage());
    }
}
