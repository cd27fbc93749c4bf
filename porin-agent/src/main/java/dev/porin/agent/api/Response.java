// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.api;

import dev.porin.api.Json;
import dev.porin.api.v1.ErrorModel;

/** An API answer: status, content type and body. */
public record Response(int status, String contentType, byte[] body) {

    public static final String JSON = "application/json";

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
}
