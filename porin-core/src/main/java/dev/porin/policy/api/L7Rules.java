// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import java.util.List;
import java.util.Map;

/** Application-layer rules of a port rule: exactly one kind per port rule, as Cilium requires. */
public sealed interface L7Rules {

    /** HTTP: a request passes if any rule matches it; every field is a regular expression, empty means any. */
    record Http(List<HttpRule> rules) implements L7Rules {
        public Http {
            rules = List.copyOf(rules);
        }
    }

    /**
     * One HTTP rule. {@code headers} are {@code Name} or {@code Name: value} presence checks;
     * {@code headerMatches} are the richer checks, whose mismatch action may rewrite the request.
     */
    record HttpRule(String method, String path, String host, List<String> headers, List<HeaderMatch> headerMatches) {
        public HttpRule {
            headers = List.copyOf(headers);
            headerMatches = List.copyOf(headerMatches);
        }

        public HttpRule(String method, String path, String host, List<String> headers) {
            this(method, path, host, headers, List.of());
        }
    }

    /**
     * A header a request must carry, with a literal value or one read from a secret; {@code mismatch}
     * ({@code LOG}, {@code ADD}, {@code DELETE}, {@code REPLACE}) is what the proxy does when the request
     * does not carry it, null to refuse the request.
     */
    record HeaderMatch(String name, String value, String secretNamespace, String secretName, String mismatch) {
    }

    /** Kafka by role or API key, client ID and topic. */
    record Kafka(List<KafkaRule> rules) implements L7Rules {
        public Kafka {
            rules = List.copyOf(rules);
        }
    }

    record KafkaRule(String role, String apiKey, String apiVersion, String clientId, String topic) {
    }

    /** DNS names a pod may look up: exact names or patterns. */
    record Dns(List<FqdnSelector> rules) implements L7Rules {
        public Dns {
            rules = List.copyOf(rules);
        }
    }

    /** A proxylib protocol and its key/value rules. */
    record Generic(String protocol, List<Map<String, String>> rules) implements L7Rules {
        public Generic {
            rules = List.copyOf(rules);
        }
    }
}
