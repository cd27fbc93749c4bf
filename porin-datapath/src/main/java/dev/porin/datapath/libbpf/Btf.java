// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.libbpf;

import dev.porin.datapath.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The BTF type information of a compiled object: the C compiler's own account of each struct's size
 * and member offsets. Tests hold the Java layouts of map keys and values against it.
 */
public final class Btf implements AutoCloseable {

    private static final int KIND_STRUCT = 4;
    private static final int KIND_DATASEC = 15;
    private static final int TYPE_HEADER = 12;
    private static final int MEMBER_SIZE = 12;

    /** A struct member; {@code bitSize} is 0 unless it is a bitfield. */
    public record Member(String name, int bitOffset, int bitSize) {
        public long byteOffset() {
            return bitOffset / 8;
        }
    }

    public record Struct(String name, long size, List<Member> members) {
        public Optional<Member> member(String memberName) {
            return members.stream().filter(m -> m.name().equals(memberName)).findFirst();
        }
    }

    /** Where a global variable lives inside a data section such as {@code .rodata}. */
    public record Variable(String name, long offset, long size) {
    }

    private final MemorySegment btf;
    private final boolean owned;

    private Btf(MemorySegment btf, boolean owned) {
        this.btf = btf;
        this.owned = owned;
    }

    /** The BTF of an opened object; the object owns it. */
    static Btf ofObject(MemorySegment btf) {
        return new Btf(btf, false);
    }

    /** Reads the BTF of an ELF object file. */
    public static Btf parse(Path path) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoState(arena);
            MemorySegment btf = (MemorySegment) LibBpf.BTF_PARSE.invokeExact(errno, arena.allocateFrom(path.toString()),
                    MemorySegment.NULL);
            if (btf.equals(MemorySegment.NULL)) {
                throw new BpfException("btf__parse(" + path + ")", Libc.errno(errno));
            }
            return new Btf(btf, true);
        } catch (BpfException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The struct named {@code name}, if the object defines one. */
    public Optional<Struct> struct(String name) {
        try (Arena arena = Arena.ofConfined()) {
            int id = (int) LibBpf.BTF_FIND_BY_NAME_KIND.invokeExact(btf, arena.allocateFrom(name), KIND_STRUCT);
            if (id < 0) {
                return Optional.empty();
            }
            MemorySegment type = ((MemorySegment) LibBpf.BTF_TYPE_BY_ID.invokeExact(btf, id)).reinterpret(TYPE_HEADER);
            int info = type.get(ValueLayout.JAVA_INT, 4);
            int size = type.get(ValueLayout.JAVA_INT, 8);
            int vlen = info & 0xffff;
            boolean bitfields = info < 0;
            MemorySegment members = type.reinterpret(TYPE_HEADER + (long) vlen * MEMBER_SIZE);
            List<Member> list = new ArrayList<>(vlen);
            for (int i = 0; i < vlen; i++) {
                long base = TYPE_HEADER + (long) i * MEMBER_SIZE;
                String memberName = name(members.get(ValueLayout.JAVA_INT, base));
                int offset = members.get(ValueLayout.JAVA_INT, base + 8);
                list.add(bitfields
                        ? new Member(memberName, offset & 0xffffff, offset >>> 24)
                        : new Member(memberName, offset, 0));
            }
            return Optional.of(new Struct(name, Integer.toUnsignedLong(size), List.copyOf(list)));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** The variable {@code name} of the data section {@code section} (a DATASEC, e.g. {@code .rodata}). */
    public Optional<Variable> variable(String section, String name) {
        try (Arena arena = Arena.ofConfined()) {
            int id = (int) LibBpf.BTF_FIND_BY_NAME_KIND.invokeExact(btf, arena.allocateFrom(section), KIND_DATASEC);
            if (id < 0) {
                return Optional.empty();
            }
            MemorySegment type = ((MemorySegment) LibBpf.BTF_TYPE_BY_ID.invokeExact(btf, id)).reinterpret(TYPE_HEADER);
            int vlen = type.get(ValueLayout.JAVA_INT, 4) & 0xffff;
            // struct btf_var_secinfo { __u32 type; __u32 offset; __u32 size; } follows the header
            MemorySegment vars = type.reinterpret(TYPE_HEADER + (long) vlen * MEMBER_SIZE);
            for (int i = 0; i < vlen; i++) {
                long base = TYPE_HEADER + (long) i * MEMBER_SIZE;
                int varType = vars.get(ValueLayout.JAVA_INT, base);
                MemorySegment var = ((MemorySegment) LibBpf.BTF_TYPE_BY_ID.invokeExact(btf, varType)).reinterpret(TYPE_HEADER);
                if (name(var.get(ValueLayout.JAVA_INT, 0)).equals(name)) {
                    return Optional.of(new Variable(name, Integer.toUnsignedLong(vars.get(ValueLayout.JAVA_INT, base + 4)),
                            Integer.toUnsignedLong(vars.get(ValueLayout.JAVA_INT, base + 8))));
                }
            }
            return Optional.empty();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private String name(int offset) throws Throwable {
        return LibBpf.string((MemorySegment) LibBpf.BTF_NAME_BY_OFFSET.invokeExact(btf, offset));
    }

    @Override
    public void close() {
        if (!owned) {
            return;
        }
        try {
            LibBpf.BTF_FREE.invokeExact(btf);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
