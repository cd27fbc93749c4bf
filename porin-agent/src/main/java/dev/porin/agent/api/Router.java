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
 * catches them.
 */
public final class Router {

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    @FunctionalInterface
    public interface Handler {
        Response handle(Request request) throws Exception;
    }

    private record Route(String method, String[] segments, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();

    public Router route(String method, String pattern, Handler handler) {
        routes.add(new Route(method, split(pattern), handler));
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
        String[] segments = split(path);
        boolean pathMatched = false;
        for (Route r : routes) {
            Map<String, String> params = match(r.segments(), segments);
            if (params == null) {
                continue;
            }
            pathMatched = true;
            if (!r.method().equals(method)) {
                continue;
            }
            try {
                return r.handler().handle(new Request(method, path, params, query, headers, body));
            } catch (ApiException e) {
                return Response.error(e.status(), e.getMessage());
            } catch (IllegalArgumentException e) {
                return Response.error(400, e.getMessage());
            } catch (Exception e) {
                LOG.atError().addKeyValue("method", method).addKeyValue("path", path).setCause(e)
                        .log("API request failed");
                return Response.error(500, "internal error: " + e);
            }
        }
        return pathMatched ? Response.error(405, method + " is not allowed on " + path)
                : Response.error(404, "no such API path: " + path);
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
