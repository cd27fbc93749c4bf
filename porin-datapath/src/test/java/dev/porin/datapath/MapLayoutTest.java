// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath;

import dev.porin.datapath.libbpf.BpfObject;
import dev.porin.datapath.libbpf.Btf;
import dev.porin.datapath.libbpf.MapSpec;
import dev.porin.datapath.libbpf.MapType;
import dev.porin.datapath.events.EventLayouts;
import dev.porin.datapath.maps.CtMap;
import dev.porin.datapath.maps.EndpointMap;
import dev.porin.datapath.maps.EndpointStatsMap;
import dev.porin.datapath.maps.IpCacheMap;
import dev.porin.datapath.maps.MapCodec;
import dev.porin.datapath.maps.MetricsMap;
import dev.porin.datapath.maps.NodeConfigMap;
import dev.porin.datapath.maps.PolicyMap;
import dev.porin.datapath.maps.PolicyMaps;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemoryLayout;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every map key and value, and the load-time config, as Java lays it out must be what the C compiler
 * laid out: same size, and every named member at the same offset. The compiler's answer is BTF: of a
 * probe file that declares one of each struct (compiled here with the build's clang flags), and of
 * bpf_lxc.o for the maps it declares. Needs no root: it only reads ELF files.
 */
class MapLayoutTest {

    private static Btf btf;
    private static Map<String, MapSpec> specs;

    @BeforeAll
    static void readObject(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path probe = dir.resolve("layout_probe.o");
        Process clang = new ProcessBuilder("clang", "-O2", "-g", "-target", "bpf", "-I", "src/main/bpf",
                "-I", "/usr/include/" + multiarch(), "-c", "src/test/bpf/layout_probe.c", "-o", probe.toString())
                .redirectErrorStream(true).start();
        String out = new String(clang.getInputStream().readAllBytes());
        assertThat(clang.waitFor()).as("clang: %s", out).isZero();
        btf = Btf.parse(probe);
        try (BpfObject obj = BpfObject.open("bpf_lxc", DatapathObjects.elf(DatapathObjects.LXC), null)) {
            specs = obj.mapSpecs().stream().collect(Collectors.toMap(MapSpec::name, Function.identity()));
        }
    }

    private static String multiarch() throws Exception {
        Process p = new ProcessBuilder("clang", "-print-multiarch").start();
        String arch = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor();
        return arch.isEmpty() ? "x86_64-linux-gnu" : arch;
    }

    @AfterAll
    static void close() {
        btf.close();
    }

    static Stream<MapCodec<?>> codecs() {
        // Keys that are a plain __u32 (endpoint ID, metrics index) are checked by size in maps().
        return Stream.of(EndpointMap.KEY, EndpointMap.VALUE, EndpointStatsMap.VALUE, CtMap.KEY, CtMap.VALUE,
                MetricsMap.VALUE, IpCacheMap.KEY, IpCacheMap.VALUE, NodeConfigMap.VALUE,
                PolicyMap.KEY, PolicyMap.VALUE, DatapathConfig.CODEC);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecs")
    void javaLayoutIsTheCompilersLayout(MapCodec<?> codec) {
        assertSameLayout(codec.cStruct(), codec.layout());
    }

    static Stream<Arguments> events() {
        return Stream.of(Arguments.of("event_hdr", EventLayouts.HEADER), Arguments.of("drop_notify", EventLayouts.DROP),
                Arguments.of("trace_notify", EventLayouts.TRACE),
                Arguments.of("policy_verdict_notify", EventLayouts.POLICY_VERDICT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void eventRecordsAreTheCompilersLayout(String cStruct, java.lang.foreign.StructLayout layout) {
        assertSameLayout(cStruct, layout);
    }

    private static void assertSameLayout(String cStruct, java.lang.foreign.StructLayout layout) {
        record Codec(String cStruct, java.lang.foreign.StructLayout layout) {
            long size() {
                return layout.byteSize();
            }
        }
        Codec codec = new Codec(cStruct, layout);
        Btf.Struct struct = btf.struct(codec.cStruct()).orElseThrow(
                () -> new AssertionError("the probe defines no struct " + codec.cStruct()));
        assertThat(codec.size()).as("sizeof(struct %s)", codec.cStruct()).isEqualTo(struct.size());
        for (MemoryLayout member : codec.layout().memberLayouts()) {
            if (member.name().isEmpty()) {
                continue; // padding
            }
            String name = member.name().get();
            Btf.Member c = struct.member(name).orElseThrow(
                    () -> new AssertionError("struct " + codec.cStruct() + " has no member " + name));
            assertThat(c.bitSize()).as("%s.%s is a bitfield", codec.cStruct(), name).isZero();
            assertThat(codec.layout().byteOffset(MemoryLayout.PathElement.groupElement(name)))
                    .as("offsetof(struct %s, %s)", codec.cStruct(), name)
                    .isEqualTo(c.byteOffset());
        }
        assertThat(codec.layout().memberLayouts().stream().filter(m -> m.name().isPresent()).count())
                .as("members of struct %s that Java knows", codec.cStruct())
                .isEqualTo(struct.members().stream().filter(m -> !m.name().startsWith("pad") && !m.name().equals("reserved")).count());
    }

    static Stream<Arguments> maps() {
        return Stream.of(
                Arguments.of(EndpointMap.NAME, EndpointMap.KEY, EndpointMap.VALUE),
                Arguments.of(EndpointStatsMap.NAME, EndpointStatsMap.KEY, EndpointStatsMap.VALUE),
                Arguments.of(CtMap.NAME, CtMap.KEY, CtMap.VALUE),
                Arguments.of(MetricsMap.NAME, MetricsMap.KEY, MetricsMap.VALUE),
                Arguments.of(IpCacheMap.NAME, IpCacheMap.KEY, IpCacheMap.VALUE),
                Arguments.of(NodeConfigMap.NAME, NodeConfigMap.KEY, NodeConfigMap.VALUE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("maps")
    void mapDeclarationsMatchTheirOwners(String map, MapCodec<?> key, MapCodec<?> value) {
        MapSpec spec = specs.get(map);
        assertThat(spec).as("bpf_lxc.o declares map %s", map).isNotNull();
        assertThat(spec.keySize()).as("%s key size", map).isEqualTo(key.size());
        assertThat(spec.valueSize()).as("%s value size", map).isEqualTo(value.size());
    }

    @org.junit.jupiter.api.Test
    void countersAreArraysAsLargeAsTheirOwnersIndexThem() {
        MapSpec stats = specs.get(EndpointStatsMap.NAME);
        assertThat(stats.type()).isEqualTo(MapType.PERCPU_ARRAY);
        assertThat(stats.maxEntries()).as("one entry per endpoint ID").isEqualTo(EndpointMap.MAX_ENDPOINT_ID + 1);
        MapSpec metrics = specs.get(MetricsMap.NAME);
        assertThat(metrics.type()).isEqualTo(MapType.PERCPU_ARRAY);
        assertThat(metrics.maxEntries()).as("256 reasons by 4 directions").isEqualTo(256 * 4);
    }

    @org.junit.jupiter.api.Test
    void everyDeclaredMapHasAnOwner() {
        List<String> owned = new java.util.ArrayList<>(maps().map(a -> (String) a.get()[0]).toList());
        owned.addAll(List.of(PolicyMaps.NAME, Datapath.EVENTS, Datapath.EVENTS_LOST));
        owned.add("porin_clock"); // the programs' own per-CPU clock cache (lib/time.h): nothing outside reads it
        assertThat(specs.keySet()).containsExactlyInAnyOrderElementsOf(owned);
    }


}
