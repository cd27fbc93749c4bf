// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.libbpf;

import dev.porin.datapath.sys.Errno;
import dev.porin.datapath.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static dev.porin.datapath.libbpf.LibBpf.MAP_CREATE_OPTS;
import static dev.porin.datapath.libbpf.LibBpf.MAP_INFO;
import static dev.porin.datapath.libbpf.LibBpf.offset;

/**
 * A BPF map, by file descriptor: raw key/value operations on caller-provided segments. Typed access
 * lives one level up, in {@code dev.porin.datapath.maps}.
 *
 * <p>A map either owns its descriptor (opened from a pin or created) and closes it, or is a view of a
 * map inside a {@link BpfObject}, which owns the descriptor.
 */
public final class BpfMap implements AutoCloseable {

    private final String name;
    private final int fd;
    private final MapType type;
    private final int keySize;
    private final int valueSize;
    private final int maxEntries;
    private final boolean ownsFd;

    private BpfMap(String name, int fd, MapType type, int keySize, int valueSize, int maxEntries, boolean ownsFd) {
        this.name = name;
        this.fd = fd;
        this.type = type;
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.maxEntries = maxEntries;
        this.ownsFd = ownsFd;
    }

    /** A view of a map of a loaded object; the object keeps owning the descriptor. */
    static BpfMap ofObject(String name, int fd) {
        return fromFd(name, fd, false);
    }

    /** Opens a map pinned in bpffs. */
    public static BpfMap openPinned(Path path) {
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            fd = (int) LibBpf.OBJ_GET.invokeExact(arena.allocateFrom(path.toString()));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (fd < 0) {
            throw new BpfException("bpf_obj_get(" + path + ")", fd);
        }
        try {
            return fromFd(path.getFileName().toString(), fd, true);
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /** Opens a map by its kernel ID, e.g. the inner map a map-of-maps lookup names. */
    public static BpfMap openById(int id) {
        int fd;
        try {
            fd = (int) LibBpf.MAP_GET_FD_BY_ID.invokeExact(id);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (fd < 0) {
            throw new BpfException("bpf_map_get_fd_by_id(" + id + ")", fd);
        }
        try {
            return fromFd("map " + id, fd, true);
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /**
     * Creates a map outside any object, e.g. the inner map of a map-in-map. {@code innerMap} gives the
     * template for a map-of-maps and is null otherwise.
     */
    public static BpfMap create(MapType type, String name, int keySize, int valueSize, int maxEntries, int flags,
                                BpfMap innerMap) {
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment opts = arena.allocate(MAP_CREATE_OPTS);
            opts.set(ValueLayout.JAVA_LONG, offset(MAP_CREATE_OPTS, "sz"), MAP_CREATE_OPTS.byteSize());
            opts.set(ValueLayout.JAVA_INT, offset(MAP_CREATE_OPTS, "map_flags"), flags);
            if (innerMap != null) {
                opts.set(ValueLayout.JAVA_INT, offset(MAP_CREATE_OPTS, "inner_map_fd"), innerMap.fd);
            }
            fd = (int) LibBpf.MAP_CREATE.invokeExact(type.value(), arena.allocateFrom(name), keySize, valueSize,
                    maxEntries, opts);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (fd < 0) {
            throw new BpfException("bpf_map_create(" + name + ")", fd);
        }
        return new BpfMap(name, fd, type, keySize, valueSize, maxEntries, true);
    }

    private static BpfMap fromFd(String fallbackName, int fd, boolean ownsFd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(MAP_INFO);
            MemorySegment len = arena.allocateFrom(ValueLayout.JAVA_INT, (int) MAP_INFO.byteSize());
            int rc = (int) LibBpf.OBJ_GET_INFO_BY_FD.invokeExact(fd, info, len);
            if (rc < 0) {
                throw new BpfException("bpf_obj_get_info_by_fd(" + fallbackName + ")", rc);
            }
            String kernelName = info.asSlice(offset(MAP_INFO, "name"), 16).getString(0, StandardCharsets.US_ASCII);
            return new BpfMap(kernelName.isEmpty() ? fallbackName : kernelName, fd,
                    MapType.of(info.get(ValueLayout.JAVA_INT, offset(MAP_INFO, "type"))),
                    info.get(ValueLayout.JAVA_INT, offset(MAP_INFO, "key_size")),
                    info.get(ValueLayout.JAVA_INT, offset(MAP_INFO, "value_size")),
                    info.get(ValueLayout.JAVA_INT, offset(MAP_INFO, "max_entries")),
                    ownsFd);
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public String name() {
        return name;
    }

    public int fd() {
        return fd;
    }

    public MapType type() {
        return type;
    }

    public int keySize() {
        return keySize;
    }

    /** Size of one value as the program sees it; see {@link #valueBufferSize()} for per-CPU maps. */
    public int valueSize() {
        return valueSize;
    }

    public int maxEntries() {
        return maxEntries;
    }

    /**
     * Bytes a lookup or update moves for one key: the value size, or for per-CPU maps one 8-byte aligned
     * slot per possible CPU.
     */
    public long valueBufferSize() {
        return type != null && type.isPerCpu() ? (long) perCpuStride() * Kernel.possibleCpus() : valueSize;
    }

    /** Distance between two CPUs' values in a per-CPU value buffer. */
    public int perCpuStride() {
        return (valueSize + 7) & ~7;
    }

    /** Reads the value of {@code key} into {@code value}; false if there is no such key. */
    public boolean lookup(MemorySegment key, MemorySegment value) {
        int rc;
        try {
            rc = (int) LibBpf.MAP_LOOKUP_ELEM.invokeExact(fd, key, value);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (rc == -Errno.ENOENT) {
            return false;
        }
        if (rc < 0) {
            throw new BpfException("bpf_map_lookup_elem(" + name + ")", rc);
        }
        return true;
    }

    /** Writes {@code key → value}; {@code flags} is one of {@link MapFlags#ANY}, {@code NOEXIST}, {@code EXIST}. */
    public void update(MemorySegment key, MemorySegment value, long flags) {
        int rc;
        try {
            rc = (int) LibBpf.MAP_UPDATE_ELEM.invokeExact(fd, key, value, flags);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (rc < 0) {
            throw new BpfException("bpf_map_update_elem(" + name + ")", rc);
        }
    }

    /** Deletes {@code key}; false if it was not there. */
    public boolean delete(MemorySegment key) {
        int rc;
        try {
            rc = (int) LibBpf.MAP_DELETE_ELEM.invokeExact(fd, key);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (rc == -Errno.ENOENT) {
            return false;
        }
        if (rc < 0) {
            throw new BpfException("bpf_map_delete_elem(" + name + ")", rc);
        }
        return true;
    }

    /**
     * Writes the key after {@code key} (or the first key, for {@link MemorySegment#NULL}) into {@code next};
     * false when there is none. Iteration over a map that changes meanwhile may skip or repeat keys.
     */
    public boolean nextKey(MemorySegment key, MemorySegment next) {
        int rc;
        try {
            rc = (int) LibBpf.MAP_GET_NEXT_KEY.invokeExact(fd, key, next);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (rc == -Errno.ENOENT) {
            return false;
        }
        if (rc < 0) {
            throw new BpfException("bpf_map_get_next_key(" + name + ")", rc);
        }
        return true;
    }

    /** Number of entries, counted by walking the keys. */
    public int count() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(keySize);
            MemorySegment b = arena.allocate(keySize);
            int n = 0;
            MemorySegment prev = MemorySegment.NULL;
            while (nextKey(prev, a)) {
                n++;
                MemorySegment t = a;
                a = b;
                b = t;
                prev = b;
            }
            return n;
        }
    }

    /** Pins the map at {@code path} in bpffs. */
    public void pin(Path path) {
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            rc = (int) LibBpf.OBJ_PIN.invokeExact(fd, arena.allocateFrom(path.toString()));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (rc < 0) {
            throw new BpfException("bpf_obj_pin(" + name + ", " + path + ")", rc);
        }
    }

    @Override
    public void close() {
        if (ownsFd) {
            Libc.close(fd);
        }
    }

    @Override
    public String toString() {
        return name + " (" + type + ", fd " + fd + ")";
    }
}
