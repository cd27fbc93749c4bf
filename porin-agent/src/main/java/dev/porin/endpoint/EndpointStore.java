// SPDX-License-Identifier: Apache-2.0
package dev.porin.endpoint;

import dev.porin.agent.state.StateFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Endpoints on disk, one JSON file each under {@code <state-dir>/endpoints/}. */
public final class EndpointStore {

    private final Path dir;

    public EndpointStore(Path dir) {
        this.dir = dir;
    }

    public void save(Endpoint endpoint) {
        StateFiles.write(file(endpoint.id()), endpoint);
    }

    public void delete(int id) {
        StateFiles.delete(file(id));
    }

    public List<Endpoint> loadAll() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Endpoint> out = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                StateFiles.read(f, Endpoint.class).ifPresent(out::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir, e);
        }
        return out;
    }

    private Path file(int id) {
        return dir.resolve(id + ".json");
    }
}
