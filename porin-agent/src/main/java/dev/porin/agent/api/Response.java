// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.api;

import dev.porin.api.Json;
import dev.porin.api.v1.ErrorModel;

/**
 * An API answer: status, content type and body; or, for a {@link #stream streamed} answer, a producer that
 * writes the body piece by piece for as long as it has something to say and the client listens.
 */
public record Response(int status, String contentType, byte[] body, Stream stream) {

    public static final String JSON = "application/json";
    /** Newline-delimited JSON: one object per line, for streamed answers. */
    public static final String NDJSON = "application/x-ndjson";

    /** Writes a streamed body. Runs on its own virtual thread; may block. */
    @FunctionalInterface
    public interface Stream {
        void writeTo(Output out) throws Exception;
    }

    /** Where a streamed body goes. */
    public interface Output {
        /** Sends one piece, waiting while the client is slow. Returns false once the client has gone. */
        boolean write(byte[] chunk);

        /** Whether the client is still there. */
        boolean open();
    }

    public Response(int status, String contentType, byte[] body) {
        this(status, contentType, body, null);
    }

    public static Response json(int status, Object value) {
        return new Response(status, JSON, Json.MAPPER.writeValueAsBytes(value));
    }

    public static Response ok(Object value) {
        return json(200, value);
    }

    public static Response error(int status, String message) {
        return json(status, new ErrorModel(message));
    }

    public static Response empty(int status) {
        return new Response(status, JSON, new byte[0]);
    }

    public static Response stream(String contentType, Stream stream) {
        return new Response(200, contentType, new byte[0], stream);
    }

    public boolean streamed() {
        return stream != null;
    }
}
