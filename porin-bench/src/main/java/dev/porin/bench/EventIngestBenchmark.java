// SPDX-License-Identifier: Apache-2.0
package dev.porin.bench;

import dev.porin.agent.metrics.Metrics;
import dev.porin.agent.observe.FlowDirectory;
import dev.porin.datapath.DropReason;
import dev.porin.datapath.events.DatapathEvent;
import dev.porin.datapath.events.EventLayouts;
import dev.porin.endpoint.Endpoint;
import dev.porin.endpoint.EndpointState;
import dev.porin.identity.Identity;
import dev.porin.identity.IdentityAllocator;
import dev.porin.net.MacAddress;
import dev.porin.observe.FlowListener;
import dev.porin.observe.FlowParser;
import dev.porin.observe.FlowRing;
import dev.porin.policy.BuiltinRules;
import dev.porin.policy.PolicyEngine;
import dev.porin.policy.PolicyEntry;
import dev.porin.policy.PolicyKey;
import dev.porin.policy.api.Peer;
import dev.porin.policy.api.PolicyOrigin;
import dev.porin.policy.api.Rule;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static dev.porin.bench.PolicyFixtures.cnp;
import static dev.porin.bench.PolicyFixtures.from;
import static dev.porin.bench.PolicyFixtures.ingress;
import static dev.porin.bench.PolicyFixtures.pod;
import static dev.porin.bench.PolicyFixtures.pods;

/**
 * The agent's event path on one thread, as its event reader runs it for every ring-buffer record: decode
 * ({@link DatapathEvent#decode}), turn into a flow ({@link FlowParser} over the agent's own
 * {@link FlowDirectory}), add to the {@link FlowRing} (16 383 flows, the default) and count it in the
 * agent's flow metrics (Hubble's counters and verdicts by policy).
 *
 * <p>The records are laid out as the C side writes them (offsets from {@link EventLayouts}), in one
 * off-heap segment with the ring buffer's 8-byte record headers, each handed out as a slice as the reader
 * does. The mix: 80 % traces (to and from endpoints; established, reply and new), 10 % policy verdicts
 * (allowed, with the cookie of real policy entries), 10 % policy drops (default deny); all TCP between 300
 * pods (60 apps, 300 identities, 60 policies), a tenth of them from addresses outside the pods.
 */
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EventIngestBenchmark {

    static final int RECORDS = 4096;
    static final int PODS = 300;
    static final int APPS = 60;

    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    @State(Scope.Thread)
    public static class Events {
        Arena arena;
        MemorySegment ring;
        long[] offsets = new long[RECORDS];
        long[] sizes = new long[RECORDS];
        FlowParser parser;
        FlowRing flows;
        List<FlowListener> listeners;
        long epochOffset;

        @Setup(Level.Trial)
        public void setUp() throws UnknownHostException {
            PolicyEngine engine = new PolicyEngine(new IdentityAllocator(), List.of(BuiltinRules.allowLocalhost()));
            FlowDirectory directory = new FlowDirectory(engine::attribution);
            for (int a = 0; a < APPS; a++) {
                PolicyOrigin origin = cnp("allow-app" + a);
                engine.setPolicy(origin, List.of(
                        ingress(origin, 0, pods("app", "app" + a),
                                from(new Peer.Endpoints(pods("app", "app" + (a + 1) % APPS)), 8080, 8443)),
                        ingress(origin, 1, pods("app", "app" + a),
                                from(new Peer.Cidr("203.0.113.0/24", List.of()), 8080))));
            }
            List<Endpoint> endpoints = new ArrayList<>();
            int[] identity = new int[PODS];
            for (int i = 0; i < PODS; i++) {
                Identity id = engine.acquireIdentity(pod(Map.of("app", "app" + i % APPS, "version", "v" + i / APPS)));
                Endpoint ep = endpoint(i + 1, id.id());
                engine.upsertEndpoint(ep.id(), id, List.of());
                endpoints.add(ep);
                identity[i] = id.id();
                directory.endpoint(ep, id);
            }
            engine.drain();
            for (Endpoint ep : endpoints) {
                directory.enforcement(ep.id(), engine.enforcement(ep.id()));
            }
            directory.identities(engine.identities());
            directory.revision(engine.revision());
            int cidrIdentity = engine.cidrIdentities().values().iterator().next();

            // Per server pod, the cookie of the entry that lets its peer app in on 8080.
            int[] cookie = new int[PODS];
            for (int i = 0; i < PODS; i++) {
                for (Map.Entry<PolicyKey, PolicyEntry> e : engine.entries(i + 1).entrySet()) {
                    if (e.getKey().port() == 8080 && e.getKey().identity() != cidrIdentity) {
                        cookie[i] = e.getValue().cookie();
                    }
                }
                if (cookie[i] == 0) {
                    throw new IllegalStateException("no allow entry for pod " + i);
                }
            }

            parser = new FlowParser(directory);
            flows = new FlowRing(16383);
            listeners = new Metrics().flows();
            epochOffset = Instant.now().toEpochMilli() * 1_000_000L - System.nanoTime();
            arena = Arena.ofShared();
            long stride = align8(8 + Math.max(EventLayouts.TRACE.byteSize(),
                    Math.max(EventLayouts.DROP.byteSize(), EventLayouts.POLICY_VERDICT.byteSize())));
            ring = arena.allocate(stride * RECORDS, 8);
            Random rnd = new Random(42);
            for (int n = 0; n < RECORDS; n++) {
                int d = rnd.nextInt(PODS);
                int s = (d + APPS - 1) % PODS; // a pod of the app allowed in
                boolean outside = rnd.nextInt(10) == 0;
                int srcIp = outside ? 0xcb007100 | rnd.nextInt(256) : ip(s);
                int srcIdentity = outside ? cidrIdentity : identity[s];
                int kind = rnd.nextInt(10);
                long at = n * stride + 8;
                offsets[n] = at;
                MemorySegment r = ring.asSlice(at, stride - 8);
                int sport = 32768 + rnd.nextInt(28000);
                long ktime = System.nanoTime() + n * 1000L;
                if (kind < 8) {
                    boolean toEndpoint = rnd.nextBoolean();
                    int ct = rnd.nextInt(10) < 7 ? 1 : rnd.nextInt(10) < 7 ? 2 : 0;
                    boolean reply = ct == 2;
                    int a = reply ? ip(d) : srcIp;
                    int b = reply ? srcIp : ip(d);
                    int len = 66 + (rnd.nextBoolean() ? 64 : 0);
                    sizes[n] = trace(r, toEndpoint ? 0 : 5, toEndpoint ? d + 1 : (outside ? d + 1 : s + 1),
                            reply ? identity[d] : srcIdentity, reply ? srcIdentity : identity[d], d + 1, ct, len, ktime,
                            a, b, reply ? 8080 : sport, reply ? sport : 8080, ct == 0 ? 0x02 : 0x18);
                } else if (kind == 8) {
                    sizes[n] = verdict(r, d + 1, srcIdentity, cookie[d], ktime, srcIp, ip(d), sport);
                } else {
                    sizes[n] = drop(r, d + 1, srcIdentity, identity[d], ktime, srcIp, ip(d), sport);
                }
            }
            check();
        }

        /** The records must make the flows they stand for: pods named, verdicts and drops attributed. */
        void check() {
            int pods = 0;
            int allowed = 0;
            int denied = 0;
            for (int i = 0; i < RECORDS; i++) {
                dev.porin.observe.Flow f = parser.parse(DatapathEvent.decode(ring.asSlice(offsets[i], sizes[i])), 0);
                pods += f.destination().isPod() ? 1 : 0;
                allowed += f.allowedBy().isEmpty() ? 0 : 1;
                denied += f.deniedBy().isEmpty() ? 0 : 1;
            }
            if (pods < RECORDS * 9 / 10 || allowed < RECORDS / 20 || denied < RECORDS / 20) {
                throw new IllegalStateException("records do not decode as laid out: " + pods + " to pods, " + allowed
                        + " allowed by rules, " + denied + " denied by policies, of " + RECORDS);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long ingest(Events s) {
        for (int i = 0; i < RECORDS; i++) {
            DatapathEvent event = DatapathEvent.decode(s.ring.asSlice(s.offsets[i], s.sizes[i]));
            dev.porin.observe.Flow flow = s.parser.parse(event, s.epochOffset);
            s.flows.add(flow);
            for (FlowListener l : s.listeners) {
                l.flow(flow);
            }
        }
        s.flows.publish();
        return s.flows.end();
    }

    // ---- records, as bpf/lib/events.h fills them

    private static long trace(MemorySegment r, int point, int source, int srcLabel, int dstLabel, int dstId, int ct,
                              int len, long ktime, int saddr, int daddr, int sport, int dport, int flags) {
        StructLayout l = EventLayouts.TRACE;
        header(r, DatapathEvent.TYPE_TRACE, point, source, saddr ^ daddr ^ (sport << 16 | dport));
        r.set(ValueLayout.JAVA_INT_UNALIGNED, off(l, "orig_len"), len);
        int cap = Math.min(len, EventLayouts.PAYLOAD);
        r.set(ValueLayout.JAVA_SHORT_UNALIGNED, off(l, "cap_len"), (short) cap);
        r.set(ValueLayout.JAVA_SHORT_UNALIGNED, off(l, "version"), (short) 1);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, off(l, "src_label"), srcLabel);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, off(l, "dst_label"), dstLabel);
        r.set(ValueLayout.JAVA_SHORT_UNALIGNED, off(l, "dst_id"), (short) dstId);
        r.set(ValueLayout.JAVA_BYTE, off(l, "reason"), (byte) ct);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, off(l, "ifindex"), 100 + source);
        r.set(ValueLayout.JAVA_LONG_UNALIGNED, off(l, "ktime"), ktime);
        tcp(r, off(l, "data"), len, saddr, daddr, sport, dport, flags);
        return l.byteSize();
    }

    private static long verdict(MemorySegment r, int endpoint, int remote, int cookie, long ktime, int saddr, int daddr,
                                int sport) {
        StructLayout l = EventLayouts.POLICY_VERDICT;
        header(r, DatapathEvent.TYPE_POLICY_VERDICT, 0, endpoint, saddr ^ daddr ^ sport);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, off(l, "orig_len"), 74);
        r.set(ValueLayout.JAVA_SHORT_UNALIGNED, off(l, "cap_len"), (short) 74);
        r.set(ValueLayout.JAVA_BYTE, off(l, "version"), (byte) 1);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, off(l, "remote_label"), remote);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, off(l, "verdict"), 0);
        r.set(ValueLayout.JAVA_SHORT_UNALIGNED, off(l, "dst_port"), (short) 8080);
        r.set(ValueLayout.JAVA_BYTE, off(l, "proto"), (byte) 6);
        r.set(ValueLayout.JAVA_BYTE, off(l, "flags"), (byte) (1 | 2 << 3)); // ingress, L3-L4 match
        r.set(ValueLayout.JAVA_INT_UNALIGNED, off(l, "cookie"), cookie);
        r.set(ValueLayout.JAVA_LONG_UNALIGNED, off(l, "ktime"), ktime);
        tcp(r, off(l, "data"), 74, saddr, daddr, sport, 8080, 0x02);
        return l.byteSize();
    }

    private static long drop(MemorySegment r, int endpoint, int srcLabel, int dstLabel, long ktime, int saddr,
                             int daddr, int sport) {
        StructLayout l = EventLayouts.DROP;
        header(r, DatapathEvent.TYPE_DROP, DropReason.POLICY.code(), endpoint, saddr ^ daddr ^ sport);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, off(l, "orig_len"), 74);
        r.set(ValueLayout.JAVA_SHORT_UNALIGNED, off(l, "cap_len"), (short) 74);
        r.set(ValueLayout.JAVA_SHORT_UNALIGNED, off(l, "version"), (short) 1);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, off(l, "src_label"), srcLabel);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, off(l, "dst_label"), dstLabel);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, off(l, "dst_id"), endpoint);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, off(l, "ifindex"), 100 + endpoint);
        r.set(ValueLayout.JAVA_BYTE, off(l, "flags"), (byte) 1);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, off(l, "cookie"), 0);
        r.set(ValueLayout.JAVA_LONG_UNALIGNED, off(l, "ktime"), ktime);
        tcp(r, off(l, "data"), 74, saddr, daddr, sport, 9000, 0x02); // a port no rule allows
        return l.byteSize();
    }

    private static void header(MemorySegment r, int type, int subtype, int source, int hash) {
        r.set(ValueLayout.JAVA_BYTE, 0, (byte) type);
        r.set(ValueLayout.JAVA_BYTE, 1, (byte) subtype);
        r.set(ValueLayout.JAVA_SHORT_UNALIGNED, 2, (short) source);
        r.set(ValueLayout.JAVA_INT_UNALIGNED, 4, hash * 0x9e3779b1);
    }

    /** Ethernet, IPv4 and TCP (with 12 bytes of options) headers, then payload, as far as the capture goes. */
    private static void tcp(MemorySegment r, long at, int len, int saddr, int daddr, int sport, int dport, int flags) {
        int cap = Math.min(len, EventLayouts.PAYLOAD);
        MemorySegment p = r.asSlice(at, EventLayouts.PAYLOAD);
        p.fill((byte) 0);
        p.set(BE32, 0, 0x0a580a00);
        p.set(BE16, 4, (short) (daddr & 0xffff));
        p.set(BE32, 6, 0x0a580a00);
        p.set(BE16, 10, (short) (saddr & 0xffff));
        p.set(BE16, 12, (short) 0x0800);
        p.set(ValueLayout.JAVA_BYTE, 14, (byte) 0x45);
        p.set(BE16, 16, (short) (len - 14));
        p.set(BE16, 20, (short) 0x4000);
        p.set(ValueLayout.JAVA_BYTE, 22, (byte) 64);
        p.set(ValueLayout.JAVA_BYTE, 23, (byte) 6);
        p.set(BE32, 26, saddr);
        p.set(BE32, 30, daddr);
        p.set(BE16, 34, (short) sport);
        p.set(BE16, 36, (short) dport);
        p.set(BE32, 38, 0x1000_0000);
        p.set(BE32, 42, 0x2000_0000);
        p.set(ValueLayout.JAVA_BYTE, 46, (byte) 0x80);
        p.set(ValueLayout.JAVA_BYTE, 47, (byte) flags);
        p.set(BE16, 48, (short) 502);
        for (int i = 66; i < cap; i++) {
            p.set(ValueLayout.JAVA_BYTE, i, (byte) i);
        }
    }

    private static long off(StructLayout l, String field) {
        return l.byteOffset(MemoryLayout.PathElement.groupElement(field));
    }

    private static long align8(long n) {
        return (n + 7) & ~7L;
    }

    /** Pod i's address, 10.88.x.y, packed in network order as Packet has it. */
    static int ip(int i) {
        return 0x0a580000 | (i + 2);
    }

    private static Endpoint endpoint(int id, int identity) throws UnknownHostException {
        int a = ip(id - 1);
        Inet4Address address = (Inet4Address) InetAddress.getByAddress(new byte[] {
                (byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
        return new Endpoint(id, "container" + id, "eth0", "/var/run/netns/pod" + id, "porin", "bench", "pod-" + id,
                Map.of(), address, "lxc" + id, 100 + id, MacAddress.parse("0a:58:0a:00:00:01"),
                MacAddress.parse("0a:58:0a:00:00:02"), EndpointState.READY, Instant.EPOCH, identity, Map.of(), List.of(),
                false);
    }
}
