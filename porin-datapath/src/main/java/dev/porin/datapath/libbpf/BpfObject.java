// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.libbpf;

import dev.porin.datapath.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.porin.datapath.libbpf.LibBpf.OBJECT_OPEN_OPTS;
import static dev.porin.datapath.libbpf.LibBpf.offset;

/**
 * A compiled BPF object (an ELF file clang produced) opened from memory, configured, then loaded into
 * the kernel. Maps declared with {@code LIBBPF_PIN_BY_NAME} are pinned under the pin root and, when a
 * compatible pin already exists, reused: that is how the datapath keeps its state across agent restarts.
 */
public final class BpfObject implements AutoCloseable {

    /** Verifier log kept for a program that fails to load. */
    private static final int LOG_SIZE = 4 << 20;
    /** How much of that log an exception carries: the verifier explains itself at the end. */
    private static final int LOG_TAIL = 6000;

    private final String name;
    private final Arena arena;
    private final MemorySegment object;
    private final MemorySegment log;
    private boolean loaded;

    private BpfObject(String name, Arena arena, MemorySegment object, MemorySegment log) {
        this.name = name;
        this.arena = arena;
        this.object = object;
        this.log = log;
    }

    /**
     * Opens an object from its ELF bytes. {@code pinRoot} is the bpffs directory for pinned maps, or null
     * for an object whose maps are never pinned and live only as long as it does.
     */
    public static BpfObject open(String name, byte[] elf, Path pinRoot) {
        LibbpfLog.install();
        Arena arena = Arena.ofShared();
        try {
            MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_BYTE, elf);
            MemorySegment log = arena.allocate(LOG_SIZE);
            MemorySegment opts = arena.allocate(OBJECT_OPEN_OPTS);
            opts.set(ValueLayout.JAVA_LONG, offset(OBJECT_OPEN_OPTS, "sz"), OBJECT_OPEN_OPTS.byteSize());
            opts.set(ValueLayout.ADDRESS, offset(OBJECT_OPEN_OPTS, "object_name"), arena.allocateFrom(name));
            if (pinRoot != null) {
                opts.set(ValueLayout.ADDRESS, offset(OBJECT_OPEN_OPTS, "pin_root_path"),
                        arena.allocateFrom(pinRoot.toString()));
            }
            opts.set(ValueLayout.ADDRESS, offset(OBJECT_OPEN_OPTS, "kernel_log_buf"), log);
            opts.set(ValueLayout.JAVA_LONG, offset(OBJECT_OPEN_OPTS, "kernel_log_size"), LOG_SIZE);

            MemorySegment errno = Libc.errnoState(arena);
            MemorySegment obj = (MemorySegment) LibBpf.OBJECT_OPEN_MEM.invokeExact(errno, buf, (long) elf.length, opts);
            if (obj.equals(MemorySegment.NULL)) {
                throw new BpfException("bpf_object__open_mem(" + name + ")", Libc.errno(errno));
            }
            BpfObject object = new BpfObject(name, arena, obj, log);
            if (pinRoot == null) {
                object.unpinMaps();
            }
            return object;
        } catch (BpfException e) {
            arena.close();
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw new AssertionError(t);
        }
    }

    /** Without a pin root libbpf would pin under /sys/fs/bpf; clearing each map's pin path keeps them private. */
    private void unpinMaps() {
        try {
            MemorySegment m = MemorySegment.NULL;
            while (!(m = (MemorySegment) LibBpf.OBJECT_NEXT_MAP.invokeExact(object, m)).equals(MemorySegment.NULL)) {
                int rc = (int) LibBpf.MAP_SET_PIN_PATH.invokeExact(m, MemorySegment.NULL);
                if (rc < 0) {
                    throw new BpfException("bpf_map__set_pin_path(" + name + ")", rc);
                }
            }
        } catch (BpfException e) {
            close();
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Sizes a map before load. */
    public BpfObject setMaxEntries(String mapName, int maxEntries) {
        requireNotLoaded();
        int rc;
        try {
            rc = (int) LibBpf.MAP_SET_MAX_ENTRIES.invokeExact(findMap(mapName), maxEntries);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (rc < 0) {
            throw new BpfException("bpf_map__set_max_entries(" + mapName + ")", rc);
        }
        return this;
    }

    /**
     * Gives a map-of-maps its inner-map template before load: the type, sizes and flags every map it holds
     * must have. The template may be closed after load.
     */
    public BpfObject setInnerMapTemplate(String outerName, BpfMap template) {
        requireNotLoaded();
        int rc;
        try {
            rc = (int) LibBpf.MAP_SET_INNER_MAP_FD.invokeExact(findMap(outerName), template.fd());
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (rc < 0) {
            throw new BpfException("bpf_map__set_inner_map_fd(" + outerName + ")", rc);
        }
        return this;
    }

    /**
     * Writes a load-time constant: the {@code const volatile} global {@code variable} in {@code .rodata}
     * gets the bytes of {@code value}. Its place comes from the object's BTF; a size mismatch means the Java
     * and C definitions disagree, and is refused.
     */
    public BpfObject setConstant(String variable, MemorySegment value) {
        requireNotLoaded();
        Btf.Variable var;
        try {
            var = Btf.ofObject((MemorySegment) LibBpf.OBJECT_BTF.invokeExact(object)).variable(".rodata", variable)
                    .orElseThrow(() -> new IllegalArgumentException(name + " has no constant " + variable));
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (var.size() != value.byteSize()) {
            throw new IllegalStateException(name + ": " + variable + " is " + var.size() + " bytes in C and "
                    + value.byteSize() + " in Java: the two definitions differ");
        }
        MemorySegment map = internalMap(".rodata");
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment size = tmp.allocate(ValueLayout.JAVA_LONG);
            MemorySegment data = (MemorySegment) LibBpf.MAP_INITIAL_VALUE.invokeExact(map, size);
            data.reinterpret(size.get(ValueLayout.JAVA_LONG, 0)).asSlice(var.offset(), var.size()).copyFrom(value);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        return this;
    }

    /** Loads every program and creates (or reuses pinned) maps. On a verifier rejection the log tail is in the message. */
    public BpfObject load() {
        requireNotLoaded();
        int rc;
        try {
            rc = (int) LibBpf.OBJECT_LOAD.invokeExact(object);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (rc < 0) {
            String text = log.getString(0);
            String tail = text.length() > LOG_TAIL ? "..." + text.substring(text.length() - LOG_TAIL) : text;
            throw new BpfException("bpf_object__load(" + name + ")", rc, tail);
        }
        loaded = true;
        return this;
    }

    public String name() {
        return name;
    }

    /** A map of the loaded object; the object owns its descriptor. */
    public BpfMap map(String mapName) {
        requireLoaded();
        try {
            int fd = (int) LibBpf.MAP_FD.invokeExact(findMap(mapName));
            return BpfMap.ofObject(mapName, fd);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The maps the object declares (not libbpf's internal .rodata/.bss maps), as its C definitions say. */
    public List<MapSpec> mapSpecs() {
        List<MapSpec> specs = new ArrayList<>();
        try {
            MemorySegment m = MemorySegment.NULL;
            while (!(m = (MemorySegment) LibBpf.OBJECT_NEXT_MAP.invokeExact(object, m)).equals(MemorySegment.NULL)) {
                if (!(boolean) LibBpf.MAP_IS_INTERNAL.invokeExact(m)) {
                    specs.add(new MapSpec(
                            LibBpf.string((MemorySegment) LibBpf.MAP_NAME.invokeExact(m)),
                            MapType.of((int) LibBpf.MAP_TYPE.invokeExact(m)),
                            (int) LibBpf.MAP_KEY_SIZE.invokeExact(m),
                            (int) LibBpf.MAP_VALUE_SIZE.invokeExact(m),
                            (int) LibBpf.MAP_MAX_ENTRIES.invokeExact(m),
                            (int) LibBpf.MAP_FLAGS.invokeExact(m)));
                }
            }
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        return specs;
    }

    public BpfProgram program(String programName) {
        requireLoaded();
        try {
            MemorySegment p;
            try (Arena tmp = Arena.ofConfined()) {
                p = (MemorySegment) LibBpf.OBJECT_FIND_PROGRAM.invokeExact(object, tmp.allocateFrom(programName));
            }
            if (p.equals(MemorySegment.NULL)) {
                throw new IllegalArgumentException(name + " has no program " + programName);
            }
            return new BpfProgram(programName, (int) LibBpf.PROGRAM_FD.invokeExact(p));
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private MemorySegment findMap(String mapName) {
        MemorySegment m;
        try (Arena tmp = Arena.ofConfined()) {
            m = (MemorySegment) LibBpf.OBJECT_FIND_MAP.invokeExact(object, tmp.allocateFrom(mapName));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (m.equals(MemorySegment.NULL)) {
            throw new IllegalArgumentException(name + " has no map " + mapName);
        }
        return m;
    }

    /** libbpf names internal maps {@code <object prefix>.rodata}; match on the suffix. */
    private MemorySegment internalMap(String suffix) {
        try {
            MemorySegment m = MemorySegment.NULL;
            while (!(m = (MemorySegment) LibBpf.OBJECT_NEXT_MAP.invokeExact(object, m)).equals(MemorySegment.NULL)) {
                if ((boolean) LibBpf.MAP_IS_INTERNAL.invokeExact(m)
                        && LibBpf.string((MemorySegment) LibBpf.MAP_NAME.invokeExact(m)).endsWith(suffix)) {
                    return m;
                }
            }
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        throw new IllegalArgumentException(name + " has no " + suffix + " section");
    }

    private void requireNotLoaded() {
        if (loaded) {
            throw new IllegalStateException(name + " is already loaded");
        }
    }

    private void requireLoaded() {
        if (!loaded) {
            throw new IllegalStateException(name + " is not loaded yet");
        }
    }

    @Override
    public void close() {
        try {
            LibBpf.OBJECT_CLOSE.invokeExact(object);
        } catch (Throwable t) {
            throw new AssertionError(t);
        } finally {
            arena.close();
        }
    }
}
