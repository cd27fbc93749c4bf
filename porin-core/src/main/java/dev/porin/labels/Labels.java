// SPDX-License-Identifier: Apache-2.0
package dev.porin.labels;

import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A set of labels with at most one value per (source, key), sorted: two equal sets are equal objects with
 * equal string forms, which is what makes identities stable.
 */
public final class Labels implements Iterable<Label> {

    public static final Labels EMPTY = new Labels(new TreeMap<>());

    /** (source, key) → label. */
    private final TreeMap<String, Label> byKey;

    private Labels(TreeMap<String, Label> byKey) {
        this.byKey = byKey;
    }

    public static Labels of(Collection<Label> labels) {
        TreeMap<String, Label> m = new TreeMap<>();
        for (Label l : labels) {
            m.put(l.source() + ":" + l.key(), l);
        }
        return new Labels(m);
    }

    public static Labels of(Label... labels) {
        return of(List.of(labels));
    }

    /** Parses each string with {@link Label#parse}. */
    public static Labels parse(Collection<String> labels, String defaultSource) {
        return of(labels.stream().map(l -> Label.parse(l, defaultSource)).toList());
    }

    public Labels with(Label label) {
        TreeMap<String, Label> m = new TreeMap<>(byKey);
        m.put(label.source() + ":" + label.key(), label);
        return new Labels(m);
    }

    public Labels with(Labels more) {
        TreeMap<String, Label> m = new TreeMap<>(byKey);
        for (Label l : more) {
            m.put(l.source() + ":" + l.key(), l);
        }
        return new Labels(m);
    }

    public Labels without(String source, String key) {
        TreeMap<String, Label> m = new TreeMap<>(byKey);
        m.remove(source + ":" + key);
        return new Labels(m);
    }

    /** The label with {@code key} from {@code source}, where source {@code any} accepts any source. */
    public Optional<Label> get(String source, String key) {
        if (!source.equals(Label.SOURCE_ANY)) {
            return Optional.ofNullable(byKey.get(source + ":" + key));
        }
        return byKey.values().stream().filter(l -> l.key().equals(key)).findFirst();
    }

    public boolean has(Label label) {
        return get(label.source(), label.key()).filter(l -> l.value().equals(label.value())).isPresent();
    }

    public boolean hasSource(String source) {
        return byKey.values().stream().anyMatch(l -> l.source().equals(source));
    }

    public boolean isEmpty() {
        return byKey.isEmpty();
    }

    public int size() {
        return byKey.size();
    }

    public List<Label> asList() {
        return List.copyOf(byKey.values());
    }

    /** {@code source:key=value} strings, sorted. */
    public List<String> strings() {
        return byKey.values().stream().map(Label::toString).toList();
    }

    @Override
    public Iterator<Label> iterator() {
        return byKey.values().iterator();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Labels other && byKey.equals(other.byKey);
    }

    @Override
    public int hashCode() {
        return byKey.hashCode();
    }

    @Override
    public String toString() {
        return byKey.values().stream().map(Label::toString).collect(Collectors.joining(",", "[", "]"));
    }
}
