// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.client;

import dev.porin.api.Json;
import dev.porin.api.v1.ErrorModel;
import tools.jackson.core.type.TypeReference;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Calls the agent's REST API on its Unix socket: one request per connection, {@code Connection: close},
 * the answer read to the end. Errors the agent reports come back as {@link AgentException} with its
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
        byte[] raw;
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
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
            raw = readAll(ch);
        } catch (IOException e) {
            throw new AgentException("porin agent is not reachable at " + socket + " (" + e.getMessage()
                    + "); is it running? Start it with: porin agent");
        }
        return parse(raw);
    }

    private static void write(SocketChannel ch, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static byte[] readAll(SocketChannel ch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(64 << 10);
        while (ch.read(b) >= 0) {
            out.write(b.array(), 0, b.position());
            b.clear();
        }
        return out.toByteArray();
    }

    private byte[] parse(byte[] raw) {
        try {
            return parseResponse(raw);
        } catch (RuntimeException e) {
            if (e instanceof AgentException ae) {
                throw ae;
            }
            throw new AgentException("malformed answer from the agent at " + socket + ": " + e.getMessage());
        }
    }

    private byte[] parseResponse(byte[] raw) {
        int headerEnd = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        if (headerEnd < 0) {
            throw new AgentException("malformed answer from the agent at " + socket);
        }
        String[] lines = new String(raw, 0, headerEnd, StandardCharsets.US_ASCII).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        int code = Integer.parseInt(status[1]);
        int length = -1;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                length = Integer.parseInt(lines[i].substring(colon + 1).trim());
            }
        }
        int start = headerEnd + 4;
        int end = length < 0 ? raw.length : Math.min(raw.length, start + length);
        byte[] body = java.util.Arrays.copyOfRange(raw, start, end);
        if (code / 100 != 2) {
            String message;
            try {
                message = Json.MAPPER.readValue(body, ErrorModel.class).error();
            } catch (RuntimeException e) {
                message = new String(body, StandardCharsets.UTF_8);
            }
            if (message == null || message.isBlank()) {
                message = "the agent answered " + lines[0].substring(lines[0].indexOf(' ') + 1);
            }
            throw new AgentException(message, code);
        }
        return body;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
