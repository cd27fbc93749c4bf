// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.libbpf;

import dev.porin.datapath.sys.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libbpf functions Porin calls, bound once. Functions returning {@code int} follow libbpf 1.x and
 * return {@code -errno}; those returning pointers return NULL and set errno, so their handles capture it.
 * Struct layouts are those of the libbpf 1.1 headers, with member names equal to the C names.
 */
final class LibBpf {

    static final SymbolLookup LIB = SymbolLookup.libraryLookup("libbpf.so.1", Arena.global());

    // object
    static final MethodHandle OBJECT_OPEN_MEM = errno("bpf_object__open_mem", ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
    static final MethodHandle OBJECT_LOAD = fn("bpf_object__load", JAVA_INT, ADDRESS);
    static final MethodHandle OBJECT_CLOSE = proc("bpf_object__close", ADDRESS);
    static final MethodHandle OBJECT_FIND_MAP = fn("bpf_object__find_map_by_name", ADDRESS, ADDRESS, ADDRESS);
    static final MethodHandle OBJECT_FIND_PROGRAM = fn("bpf_object__find_program_by_name", ADDRESS, ADDRESS, ADDRESS);
    static final MethodHandle OBJECT_NEXT_MAP = fn("bpf_object__next_map", ADDRESS, ADDRESS, ADDRESS);
    static final MethodHandle OBJECT_NEXT_PROGRAM = fn("bpf_object__next_program", ADDRESS, ADDRESS, ADDRESS);
    static final MethodHandle OBJECT_BTF = fn("bpf_object__btf", ADDRESS, ADDRESS);

    // maps of an object
    static final MethodHandle MAP_FD = fn("bpf_map__fd", JAVA_INT, ADDRESS);
    static final MethodHandle MAP_NAME = fn("bpf_map__name", ADDRESS, ADDRESS);
    static final MethodHandle MAP_IS_INTERNAL = fn("bpf_map__is_internal", JAVA_BOOLEAN, ADDRESS);
    static final MethodHandle MAP_SET_MAX_ENTRIES = fn("bpf_map__set_max_entries", JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle MAP_INITIAL_VALUE = fn("bpf_map__initial_value", ADDRESS, ADDRESS, ADDRESS);
    static final MethodHandle MAP_KEY_SIZE = fn("bpf_map__key_size", JAVA_INT, ADDRESS);
    static final MethodHandle MAP_VALUE_SIZE = fn("bpf_map__value_size", JAVA_INT, ADDRESS);
    static final MethodHandle MAP_MAX_ENTRIES = fn("bpf_map__max_entries", JAVA_INT, ADDRESS);
    static final MethodHandle MAP_TYPE = fn("bpf_map__type", JAVA_INT, ADDRESS);
    static final MethodHandle MAP_SET_INNER_MAP_FD = fn("bpf_map__set_inner_map_fd", JAVA_INT, ADDRESS, JAVA_INT);
    static final MethodHandle MAP_SET_PIN_PATH = fn("bpf_map__set_pin_path", JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle MAP_FLAGS = fn("bpf_map__map_flags", JAVA_INT, ADDRESS);

    // programs of an object
    static final MethodHandle PROGRAM_FD = fn("bpf_program__fd", JAVA_INT, ADDRESS);
    static final MethodHandle PROGRAM_NAME = fn("bpf_program__name", ADDRESS, ADDRESS);
    static final MethodHandle PROGRAM_TYPE = fn("bpf_program__type", JAVA_INT, ADDRESS);

    // bpf(2) wrappers
    static final MethodHandle MAP_CREATE =
            fn("bpf_map_create", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
    static final MethodHandle MAP_UPDATE_ELEM = fn("bpf_map_update_elem", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG);
    static final MethodHandle MAP_LOOKUP_ELEM = fn("bpf_map_lookup_elem", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle MAP_DELETE_ELEM = fn("bpf_map_delete_elem", JAVA_INT, JAVA_INT, ADDRESS);
    static final MethodHandle MAP_GET_NEXT_KEY = fn("bpf_map_get_next_key", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle OBJ_PIN = fn("bpf_obj_pin", JAVA_INT, JAVA_INT, ADDRESS);
    static final MethodHandle OBJ_GET = fn("bpf_obj_get", JAVA_INT, ADDRESS);
    static final MethodHandle MAP_GET_FD_BY_ID = fn("bpf_map_get_fd_by_id", JAVA_INT, JAVA_INT);
    static final MethodHandle OBJ_GET_INFO_BY_FD = fn("bpf_obj_get_info_by_fd", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle PROG_TEST_RUN_OPTS = fn("bpf_prog_test_run_opts", JAVA_INT, JAVA_INT, ADDRESS);

    // tc
    static final MethodHandle TC_HOOK_CREATE = fn("bpf_tc_hook_create", JAVA_INT, ADDRESS);
    static final MethodHandle TC_ATTACH = fn("bpf_tc_attach", JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle TC_DETACH = fn("bpf_tc_detach", JAVA_INT, ADDRESS, ADDRESS);
    static final MethodHandle TC_QUERY = fn("bpf_tc_query", JAVA_INT, ADDRESS, ADDRESS);

    // BTF
    static final MethodHandle BTF_PARSE = errno("btf__parse", ADDRESS, ADDRESS, ADDRESS);
    static final MethodHandle BTF_FIND_BY_NAME_KIND = fn("btf__find_by_name_kind", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
    static final MethodHandle BTF_TYPE_BY_ID = fn("btf__type_by_id", ADDRESS, ADDRESS, JAVA_INT);
    static final MethodHandle BTF_NAME_BY_OFFSET = fn("btf__name_by_offset", ADDRESS, ADDRESS, JAVA_INT);
    static final MethodHandle BTF_FREE = proc("btf__free", ADDRESS);

    // misc
    static final MethodHandle NUM_POSSIBLE_CPUS = fn("libbpf_num_possible_cpus", JAVA_INT);
    static final MethodHandle PROBE_MAP_TYPE = fn("libbpf_probe_bpf_map_type", JAVA_INT, JAVA_INT, ADDRESS);
    static final MethodHandle PROBE_PROG_TYPE = fn("libbpf_probe_bpf_prog_type", JAVA_INT, JAVA_INT, ADDRESS);
    static final MethodHandle PROBE_HELPER = fn("libbpf_probe_bpf_helper", JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS);
    static final MethodHandle SET_PRINT = fn("libbpf_set_print", ADDRESS, ADDRESS);

    /** {@code struct bpf_object_open_opts}. */
    static final StructLayout OBJECT_OPEN_OPTS = MemoryLayout.structLayout(
            JAVA_LONG.withName("sz"),
            ADDRESS.withName("object_name"),
            JAVA_BOOLEAN.withName("relaxed_maps"),
            paddingLayout(7),
            ADDRESS.withName("pin_root_path"),
            paddingLayout(8),
            ADDRESS.withName("kconfig"),
            ADDRESS.withName("btf_custom_path"),
            ADDRESS.withName("kernel_log_buf"),
            JAVA_LONG.withName("kernel_log_size"),
            JAVA_INT.withName("kernel_log_level"),
            paddingLayout(4));

    /** {@code struct bpf_map_create_opts}. */
    static final StructLayout MAP_CREATE_OPTS = MemoryLayout.structLayout(
            JAVA_LONG.withName("sz"),
            JAVA_INT.withName("btf_fd"),
            JAVA_INT.withName("btf_key_type_id"),
            JAVA_INT.withName("btf_value_type_id"),
            JAVA_INT.withName("btf_vmlinux_value_type_id"),
            JAVA_INT.withName("inner_map_fd"),
            JAVA_INT.withName("map_flags"),
            JAVA_LONG.withName("map_extra"),
            JAVA_INT.withName("numa_node"),
            JAVA_INT.withName("map_ifindex"));

    /** {@code struct bpf_tc_hook}. */
    static final StructLayout TC_HOOK = MemoryLayout.structLayout(
            JAVA_LONG.withName("sz"),
            JAVA_INT.withName("ifindex"),
            JAVA_INT.withName("attach_point"),
            JAVA_INT.withName("parent"),
            paddingLayout(4));

    /** {@code struct bpf_tc_opts}. */
    static final StructLayout TC_OPTS = MemoryLayout.structLayout(
            JAVA_LONG.withName("sz"),
            JAVA_INT.withName("prog_fd"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("prog_id"),
            JAVA_INT.withName("handle"),
            JAVA_INT.withName("priority"),
            paddingLayout(4));

    /** {@code struct bpf_test_run_opts}. */
    static final StructLayout TEST_RUN_OPTS = MemoryLayout.structLayout(
            JAVA_LONG.withName("sz"),
            ADDRESS.withName("data_in"),
            ADDRESS.withName("data_out"),
            JAVA_INT.withName("data_size_in"),
            JAVA_INT.withName("data_size_out"),
            ADDRESS.withName("ctx_in"),
            ADDRESS.withName("ctx_out"),
            JAVA_INT.withName("ctx_size_in"),
            JAVA_INT.withName("ctx_size_out"),
            JAVA_INT.withName("retval"),
            JAVA_INT.withName("repeat"),
            JAVA_INT.withName("duration"),
            JAVA_INT.withName("flags"),
            JAVA_INT.withName("cpu"),
            JAVA_INT.withName("batch_size"));

    /** {@code struct bpf_map_info}, the part Porin reads. */
    static final StructLayout MAP_INFO = MemoryLayout.structLayout(
            JAVA_INT.withName("type"),
            JAVA_INT.withName("id"),
            JAVA_INT.withName("key_size"),
            JAVA_INT.withName("value_size"),
            JAVA_INT.withName("max_entries"),
            JAVA_INT.withName("map_flags"),
            MemoryLayout.sequenceLayout(16, ValueLayout.JAVA_BYTE).withName("name"),
            JAVA_INT.withName("ifindex"),
            JAVA_INT.withName("btf_vmlinux_value_type_id"),
            JAVA_LONG.withName("netns_dev"),
            JAVA_LONG.withName("netns_ino"),
            JAVA_INT.withName("btf_id"),
            JAVA_INT.withName("btf_key_type_id"),
            JAVA_INT.withName("btf_value_type_id"),
            paddingLayout(4),
            JAVA_LONG.withName("map_extra"));

    private LibBpf() {
    }

    /** Offset of a named member, for building and reading the structs above. */
    static long offset(StructLayout layout, String member) {
        return layout.byteOffset(MemoryLayout.PathElement.groupElement(member));
    }

    /** Reads a NUL-terminated string libbpf owns; NULL reads as null. */
    static String string(MemorySegment s) {
        return s.equals(MemorySegment.NULL) ? null : s.reinterpret(4096).getString(0);
    }

    private static MethodHandle fn(String name, MemoryLayout ret, MemoryLayout... args) {
        return Libc.downcall(LIB, name, FunctionDescriptor.of(ret, args));
    }

    private static MethodHandle proc(String name, MemoryLayout... args) {
        return Libc.downcall(LIB, name, FunctionDescriptor.ofVoid(args));
    }

    private static MethodHandle errno(String name, MemoryLayout ret, MemoryLayout... args) {
        return Libc.downcallWithErrno(LIB, name, FunctionDescriptor.of(ret, args));
    }
}
