// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.api;

import dev.porin.api.Json;
import dev.porin.api.v1.ErrorModel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RouterTest {

    private final Router router = new Router();

    private Response get(String path) {
        return router.dispatch("GET", path, Map.of(), Map.of(), new byte[0]);
    }

    private static String error(Response r) {
        assertThat(r.contentType()).isEqualTo("application/json");
        return Json.MAPPER.readValue(r.body(), ErrorModel.class).error();
    }

    @Test
    void fillsInPathParameters() {
        router.get("/v1/endpoint/{id}", r -> Response.ok(Map.of("id", r.pathParam("id"))));

        Response r = get("/v1/endpoint/42");

        assertThat(r.status()).isEqualTo(200);
        assertThat(new String(r.body())).isEqualTo("{\"id\":\"42\"}");
    }

    @Test
    void passesQueryHeadersAndBodyToTheHandler() {
        router.post("/v1/echo", r -> Response.ok(List.of(r.queryParam("q"), r.header("X-Trace"), new String(r.body()))));

        Response r = router.dispatch("POST", "/v1/echo", Map.of("q", List.of("a", "b")), Map.of("x-trace", "t1"),
                "hello".getBytes());

        assertThat(new String(r.body())).isEqualTo("[\"a\",\"t1\",\"hello\"]");
    }

    @Test
    void picksTheRouteOfTheMethod() {
        router.get("/v1/thing", r -> Response.ok("got"));
        router.delete("/v1/thing", r -> Response.ok("deleted"));

        Response r = router.dispatch("DELETE", "/v1/thing", Map.of(), Map.of(), new byte[0]);

        assertThat(new String(r.body())).isEqualTo("\"deleted\"");
    }

    @Test
    void answers404ForAnUnknownPath() {
        router.get("/v1/endpoint/{id}", r -> Response.ok("x"));

        Response r = get("/v1/endpoint/1/extra");

        assertThat(r.status()).isEqualTo(404);
        assertThat(error(r)).contains("/v1/endpoint/1/extra");
    }

    @Test
    void answers405ForAKnownPathWithTheWrongMethod() {
        router.get("/v1/endpoint", r -> Response.ok("x"));

        Response r = router.dispatch("POST", "/v1/endpoint", Map.of(), Map.of(), new byte[0]);

        assertThat(r.status()).isEqualTo(405);
        assertThat(error(r)).contains("POST", "/v1/endpoint");
    }

    @Test
    void answers500WithTheCauseWhenAHandlerFails() {
        router.get("/v1/status", r -> {
            throw new IOException("porin_lxc: Bad file descriptor");
        });

        Response r = get("/v1/status");

        assertThat(r.status()).isEqualTo(500);
        assertThat(error(r)).contains("Bad file descriptor");
    }

    @Test
    void answersTheStatusOfAnApiException() {
        router.get("/v1/endpoint/{id}", r -> {
            throw ApiException.notFound("endpoint " + r.pathParam("id"));
        });

        Response r = get("/v1/endpoint/7");

        assertThat(r.status()).isEqualTo(404);
        assertThat(error(r)).isEqualTo("endpoint 7 not found");
    }

    @Test
    void answers400ForAnIllegalArgument() {
        router.get("/v1/endpoint/{id}", r -> Response.ok(EndpointApi.parseId(r.pathParam("id"))));
        router.get("/v1/prefix/{p}", r -> {
            throw new IllegalArgumentException("not an IPv4 prefix: " + r.pathParam("p"));
        });

        Response notANumber = get("/v1/endpoint/abc");
        Response badPrefix = get("/v1/prefix/10.0.0.0");

        assertThat(notANumber.status()).isEqualTo(400);
        assertThat(error(notANumber)).contains("'abc'");
        assertThat(badPrefix.status()).isEqualTo(400);
        assertThat(error(badPrefix)).isEqualTo("not an IPv4 prefix: 10.0.0.0");
    }

    private record Answer(String method, String pattern, int status, long nanos) {
    }

    @Test
    void tellsTheObserverTheRoutePatternStatusAndDuration() {
        List<Answer> answers = new ArrayList<>();
        Router observed = new Router((m, p, s, n) -> answers.add(new Answer(m, p, s, n)));
        observed.get("/v1/endpoint/{id}", r -> {
            Thread.sleep(5);
            return Response.ok(r.pathParam("id"));
        });
        observed.get("/v1/status", r -> {
            throw new IOException("broken");
        });

        observed.dispatch("GET", "/v1/endpoint/42", Map.of(), Map.of(), new byte[0]);
        observed.dispatch("GET", "/v1/endpoint/43", Map.of(), Map.of(), new byte[0]);
        observed.dispatch("GET", "/v1/status", Map.of(), Map.of(), new byte[0]);
        observed.dispatch("DELETE", "/v1/endpoint/42", Map.of(), Map.of(), new byte[0]);
        observed.dispatch("GET", "/v1/nothing/here", Map.of(), Map.of(), new byte[0]);

        assertThat(answers).extracting(Answer::method, Answer::pattern, Answer::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("GET", "/v1/endpoint/{id}", 200),
                org.assertj.core.groups.Tuple.tuple("GET", "/v1/endpoint/{id}", 200),
                org.assertj.core.groups.Tuple.tuple("GET", "/v1/status", 500),
                org.assertj.core.groups.Tuple.tuple("DELETE", "/v1/endpoint/{id}", 405),
                org.assertj.core.groups.Tuple.tuple("GET", Router.UNMATCHED, 404));
        assertThat(answers.getFirst().nanos()).as("includes the handler's time").isGreaterThanOrEqualTo(5_000_000);
    }
}
