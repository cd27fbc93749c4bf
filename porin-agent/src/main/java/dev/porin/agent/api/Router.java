// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps method and path to a handler. Patterns are literal segments and {@code {name}} parameters:
 * {@code /v1/endpoint/{id}}. A handler's exception becomes an error answer here, the one place that
 * catches them. An {@link Observer} sees every answer, for metrics.
 */
public final class Router {

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    @FunctionalInterface
    public interface Handler {
        Response handle(Request request) throws Exception;
    }

    /**
     * Told of every answer: {@code pattern} is the matched route's pattern, never the raw path, so that its
     * values stay few ({@link #UNMATCHED} when no route matched the path); {@code nanos} is the time until
     * the handler returned (for a streamed answer, until the stream began).
     */
    @FunctionalInterface
    public interface Observer {
        Observer NONE = (method, pattern, status, nanos) -> {
        };

        void answered(String method, String pattern, int status, long nanos);
    }

    /** The pattern reported for a path no route matches. */
    public static final String UNMATCHED = "unmatched";

    private record Route(String method, String pattern, String[] segments, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();
    private final Observer observer;

    public Router() {
        this(Observer.NONE);
    }

    public Router(Observer observer) {
        this.observer = observer;
    }

    public Router route(String method, String pattern, Handler handler) {
        routes.add(new Route(method, pattern, split(pattern), handler));
        return this;
    }

    public Router get(String pattern, Handler handler) {
        return route("GET", pattern, handler);
    }

    public Router post(String pattern, Handler handler) {
        return route("POST", pattern, handler);
    }

    public Router delete(String pattern, Handler handler) {
        return route("DELETE", pattern, handler);
    }

    public Router patch(String pattern, Handler handler) {
        return route("PATCH", pattern, handler);
    }

    /** Routes and runs a request; never throws. */
    public Response dispatch(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
                             byte[] body) {
        long start = System.nanoTime();
        String[] segments = split(path);
        String pattern = UNMATCHED;
        Response response = null;
        for (Route r : routes) {
            Map<String, String> params = match(r.segments(), segments);
            if (params == null) {
                continue;
            }
            pattern = r.pattern();
            if (r.method().equals(method)) {
                response = run(r, new Request(method, path, params, query, headers, body));
                break;
            }
        }
        if (response == null) {
            response = pattern.equals(UNMATCHED) ? Response.error(404, "no such API path: " + path)
                    : Response.error(405, method + " is not allowed on " + path);
        }
        observer.answered(method, pattern, response.status(), System.nanoTime() - start);
        return response;
    }

    private static Response run(Route route, Request request) {
        try {
            return route.handler().handle(request);
        } catch (ApiException e) {
            return Response.error(e.status(), e.getMessage());
        } catch (IllegalArgumentException e) {
            return Response.error(400, e.getMessage());
        } catch (Exception e) {
            LOG.atError().addKeyValue("method", request.method()).addKeyValue("path", request.path()).setCause(e)
                    .log("API request failed");
            return Response.error(500, "internal error: " + e);
        }
    }

    private static Map<String, String> match(String[] pattern, String[] path) {
        if (pattern.length != path.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                params.put(p.substring(1, p.length() - 1), path[i]);
            } else if (!p.equals(path[i])) {
                return null;
            }
        }
        return params;
    }

    private static String[] split(String path) {
        return java.util.Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }
}
