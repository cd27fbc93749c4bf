// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code rules} of a Cilium port rule (HTTP, Kafka, DNS or a proxylib protocol) and the DNS name
 * selectors that {@code toFQDNs} shares with DNS rules. It checks what Cilium's own validation checks:
 * one kind per port rule, HTTP paths and methods that compile as regular expressions, known Kafka API
 * keys and roles, well-formed names and patterns.
 */
final class L7Parser {

    private static final List<String> RULES_FIELDS = List.of("http", "kafka", "dns", "l7proto", "l7");
    private static final List<String> HTTP_FIELDS = List.of("path", "method", "host", "headers", "headerMatches");
    private static final List<String> HEADER_MATCH_FIELDS = List.of("name", "value", "secret", "mismatch");
    private static final List<String> SECRET_FIELDS = List.of("namespace", "name");
    private static final List<String> KAFKA_FIELDS = List.of("role", "apiKey", "apiVersion", "clientID", "topic");
    private static final List<String> FQDN_FIELDS = List.of("matchName", "matchPattern");
    private static final List<String> MISMATCH_ACTIONS = List.of("LOG", "ADD", "DELETE", "REPLACE");
    /** Kafka API key names, indexed by key number. */
    private static final List<String> KAFKA_API_KEYS = List.of("produce", "fetch", "offsets", "metadata",
            "leaderandisr", "stopreplica", "updatemetadata", "controlledshutdown", "offsetcommit", "offsetfetch",
            "findcoordinator", "joingroup", "heartbeat", "leavegroup", "syncgroup", "describegroups", "listgroups",
            "saslhandshake", "apiversions", "createtopics", "deletetopics", "deleterecords", "initproducerid",
            "offsetforleaderepoch", "addpartitionstotxn", "addoffsetstotxn", "endtxn", "writetxnmarkers",
            "txnoffsetcommit", "describeacls", "createacls", "deleteacls", "describeconfigs", "alterconfigs");
    private static final Pattern KAFKA_TOPIC = Pattern.compile("[a-zA-Z0-9._-]+");

    private L7Parser() {
    }

    /** The L7 rules of a port rule, or null when there are none. */
    static L7Rules parse(Node rules) {
        if (rules.isAbsent()) {
            return null;
        }
        rules.object(RULES_FIELDS);
        Node l7 = rules.get("l7");
        Node l7proto = rules.get("l7proto");
        if (l7.isPresent() && l7proto.isAbsent()) {
            throw l7.error("needs l7proto, the name of the protocol its rules are for");
        }
        List<String> kinds = new ArrayList<>();
        for (String kind : List.of("http", "kafka", "dns", "l7proto")) {
            if (rules.get(kind).isPresent()) {
                kinds.add(kind);
            }
        }
        if (kinds.size() > 1) {
            throw rules.error("holds " + String.join(" and ", kinds) + " rules; a port rule takes one kind of L7 rule");
        }
        if (kinds.isEmpty()) {
            return null;
        }
        return switch (kinds.getFirst()) {
            case "http" -> new L7Rules.Http(rules.get("http").list().stream().map(L7Parser::http).toList());
            case "kafka" -> new L7Rules.Kafka(rules.get("kafka").list().stream().map(L7Parser::kafka).toList());
            case "dns" -> new L7Rules.Dns(rules.get("dns").list().stream().map(L7Parser::fqdn).toList());
            default -> generic(l7proto, l7);
        };
    }

    /** A {@code matchName} or {@code matchPattern}, exactly one. */
    static FqdnSelector fqdn(Node node) {
        node.object(FQDN_FIELDS);
        Node name = node.get("matchName");
        Node pattern = node.get("matchPattern");
        if (name.isPresent() == pattern.isPresent()) {
            throw node.error("needs exactly one of matchName and matchPattern");
        }
        if (name.isPresent()) {
            return new FqdnSelector(dnsText(name, false), null);
        }
        return new FqdnSelector(null, dnsText(pattern, true));
    }

    /**
     * Labels of letters, digits, '-' and '_' (and '*' in patterns) separated by single dots, with an
     * optional trailing dot; at most 255 characters.
     */
    static String dnsText(Node node, boolean wildcards) {
        String s = node.string();
        String allowed = wildcards ? "[-a-zA-Z0-9_*.]+" : "[-a-zA-Z0-9_.]+";
        if (s.length() > 255 || !s.matches(allowed) || s.startsWith(".") || s.contains("..")) {
            throw node.error("\"" + s + "\" is not a valid DNS " + (wildcards ? "pattern" : "name")
                    + ": labels of letters, digits, '-' and '_'" + (wildcards ? " or '*'" : "")
                    + " separated by single dots, at most 255 characters");
        }
        return s;
    }

    private static L7Rules.HttpRule http(Node node) {
        node.object(HTTP_FIELDS);
        String path = regex(node.get("path"));
        String method = regex(node.get("method"));
        String host = node.get("host").string(null);
        List<String> headers = node.get("headers").strings();
        List<L7Rules.HeaderMatch> matches = node.get("headerMatches").list().stream()
                .map(L7Parser::headerMatch).toList();
        return new L7Rules.HttpRule(method, path, host, headers, matches);
    }

    private static String regex(Node node) {
        String s = node.string(null);
        if (s != null) {
            try {
                Pattern.compile(s);
            } catch (PatternSyntaxException e) {
                throw node.error("\"" + s + "\" is not a valid regular expression: " + e.getDescription());
            }
        }
        return s;
    }

    private static L7Rules.HeaderMatch headerMatch(Node node) {
        node.object(HEADER_MATCH_FIELDS);
        Node name = node.get("name");
        if (name.string().isEmpty()) {
            throw name.error("must not be empty");
        }
        Node mismatch = node.get("mismatch");
        if (mismatch.isPresent() && !MISMATCH_ACTIONS.contains(mismatch.string())) {
            throw mismatch.error("unknown action \"" + mismatch.string() + "\"; expected LOG, ADD, DELETE or REPLACE");
        }
        Node secret = node.get("secret");
        String secretNamespace = null;
        String secretName = null;
        if (secret.isPresent()) {
            secret.object(SECRET_FIELDS);
            secretNamespace = secret.get("namespace").string(null);
            secretName = secret.get("name").string();
        }
        return new L7Rules.HeaderMatch(name.string(), node.get("value").string(null), secretNamespace, secretName,
                mismatch.string(null));
    }

    private static L7Rules.KafkaRule kafka(Node node) {
        node.object(KAFKA_FIELDS);
        Node role = node.get("role");
        Node apiKey = node.get("apiKey");
        if (role.isPresent() && apiKey.isPresent()) {
            throw node.error("sets both role and apiKey; a Kafka rule takes one of them");
        }
        if (role.isPresent() && !List.of("produce", "consume").contains(role.string().toLowerCase(Locale.ROOT))) {
            throw role.error("unknown Kafka role \"" + role.string() + "\"; expected produce or consume");
        }
        if (apiKey.isPresent() && !KAFKA_API_KEYS.contains(apiKey.string().toLowerCase(Locale.ROOT))) {
            throw apiKey.error("unknown Kafka API key \"" + apiKey.string() + "\"");
        }
        Node apiVersion = node.get("apiVersion");
        if (apiVersion.isPresent() && (!apiVersion.string().matches("[0-9]{1,5}")
                || Integer.parseInt(apiVersion.string()) > Short.MAX_VALUE)) {
            throw apiVersion.error("\"" + apiVersion.string() + "\" is not a Kafka API version (0..32767)");
        }
        Node topic = node.get("topic");
        if (topic.isPresent() && (topic.string().length() > 255 || !KAFKA_TOPIC.matcher(topic.string()).matches())) {
            throw topic.error("\"" + topic.string() + "\" is not a Kafka topic: at most 255 letters, digits, '.', '_' "
                    + "or '-'");
        }
        return new L7Rules.KafkaRule(lower(role.string(null)), lower(apiKey.string(null)), apiVersion.string(null),
                node.get("clientID").string(null), topic.string(null));
    }

    private static L7Rules.Generic generic(Node l7proto, Node l7) {
        String protocol = l7proto.string();
        if (protocol.isEmpty()) {
            throw l7proto.error("must not be empty");
        }
        List<Map<String, String>> rules = l7.list().stream().map(Node::stringMap)
                .map(Collections::unmodifiableMap).toList();
        return new L7Rules.Generic(protocol, rules);
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
