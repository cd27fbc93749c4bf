// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.policy;

import dev.porin.agent.state.StateFiles;
import dev.porin.api.Json;
import dev.porin.k8s.Resource;
import dev.porin.k8s.ResourceKey;
import dev.porin.k8s.ResourceParser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Kubernetes objects Porin acts on when there is no Kubernetes: what {@code porin apply} put here, one
 * JSON document per object under {@code <state-dir>/resources/}, read back (and validated again) on start.
 * Not thread-safe: callers hold the policy lock.
 */
final class ResourceStore {

    private final Path dir;
    private final Map<ResourceKey, Resource> resources = new TreeMap<>(
            java.util.Comparator.comparing(ResourceKey::kind).thenComparing(k -> String.valueOf(k.namespace()))
                    .thenComparing(ResourceKey::name));

    ResourceStore(Path dir) {
        this.dir = dir;
    }

    /** Reads what a previous run stored. */
    void load() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                for (Resource r : ResourceParser.parse(Files.readString(f), f.getFileName().toString())) {
                    resources.put(r.key(), r);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
    }

    /** Creates or replaces each object; they are already validated. */
    List<AppliedObject> apply(List<Resource> batch) {
        List<AppliedObject> out = new ArrayList<>();
        for (Resource r : dedupe(batch)) {
            Resource old = resources.put(r.key(), r);
            AppliedObject.Action action = old == null ? AppliedObject.Action.CREATED
                    : old.equals(r) ? AppliedObject.Action.UNCHANGED : AppliedObject.Action.CONFIGURED;
            if (action != AppliedObject.Action.UNCHANGED) {
                StateFiles.write(file(r.key()), document(r));
            }
            out.add(new AppliedObject(r.key(), action));
        }
        return out;
    }

    List<AppliedObject> delete(List<ResourceKey> keys) {
        List<AppliedObject> out = new ArrayList<>();
        for (ResourceKey k : keys) {
            boolean existed = resources.remove(k) != null;
            if (existed) {
                StateFiles.delete(file(k));
            }
            out.add(new AppliedObject(k, existed ? AppliedObject.Action.DELETED : AppliedObject.Action.NOT_FOUND));
        }
        return out;
    }

    Collection<Resource> all() {
        return List.copyOf(resources.values());
    }

    Optional<Resource> get(ResourceKey key) {
        return Optional.ofNullable(resources.get(key));
    }

    <T extends Resource> List<T> all(Class<T> type) {
        return resources.values().stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The last of several documents for one object wins, as with kubectl apply. */
    private static Collection<Resource> dedupe(List<Resource> batch) {
        Map<ResourceKey, Resource> last = new LinkedHashMap<>();
        batch.forEach(r -> last.put(r.key(), r));
        return last.values();
    }

    private Path file(ResourceKey k) {
        String name = k.kind() + "--" + (k.namespace() == null ? "" : k.namespace()) + "--" + k.name() + ".json";
        return dir.resolve(name);
    }

    /** The object as a manifest that parses back to itself. */
    static JsonNode document(Resource r) {
        return switch (r) {
            case Resource.PolicyResource p -> p.document();
            case Resource.NamespaceResource n -> {
                ObjectNode doc = manifest("v1", "Namespace", null, n.name());
                n.labels().forEach(((ObjectNode) doc.get("metadata")).putObject("labels")::put);
                yield doc;
            }
            case Resource.PodResource p -> {
                ObjectNode doc = manifest("v1", "Pod", p.namespace(), p.name());
                ObjectNode labels = ((ObjectNode) doc.get("metadata")).putObject("labels");
                p.labels().forEach(labels::put);
                ObjectNode spec = doc.putObject("spec");
                spec.put("serviceAccountName", p.serviceAccount());
                ObjectNode container = spec.putArray("containers").addObject();
                container.put("name", "main");
                var ports = container.putArray("ports");
                p.ports().forEach(np -> ports.addObject().put("name", np.name()).put("containerPort", np.port())
                        .put("protocol", np.protocol().name()));
                yield doc;
            }
        };
    }

    private static ObjectNode manifest(String apiVersion, String kind, String namespace, String name) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("apiVersion", apiVersion);
        doc.put("kind", kind);
        ObjectNode meta = doc.putObject("metadata");
        meta.put("name", name);
        if (namespace != null) {
            meta.put("namespace", namespace);
        }
        return doc;
    }
}
