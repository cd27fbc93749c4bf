// SPDX-License-Identifier: Apache-2.0

import dev.porin.datapath.DatapathConfig;
import dev.porin.datapath.events.RingBufferReader;
import dev.porin.datapath.libbpf.BpfMap;
import dev.porin.datapath.libbpf.BpfObject;
import dev.porin.datapath.libbpf.BpfProgram;
import dev.porin.datapath.libbpf.MapSpec;
import dev.porin.datapath.libbpf.Tc;
import dev.porin.datapath.libbpf.TestRun;
import dev.porin.datapath.maps.CtMap;
import dev.porin.datapath.maps.EndpointMap;
import dev.porin.datapath.maps.EndpointStatsMap;
import dev.porin.datapath.maps.IpCacheMap;
import dev.porin.datapath.maps.NodeConfigMap;
import dev.porin.datapath.maps.PolicyMaps;
import dev.porin.datapath.sys.Libc;
import dev.porin.net.Ipv4Prefix;
import dev.porin.net.MacAddress;
import dev.porin.policy.PolicyEntry;
import dev.porin.policy.PolicyKey;
import dev.porin.policy.api.Direction;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * The Java half of bench/bpf-cost.sh: loads bpf_lxc objects (the product's and variants of it with parts cut
 * out) without pins, fills their maps as a busy node would, and then either times the programs with
 * BPF_PROG_TEST_RUN or attaches them to two real pods' veths for live traffic.
 *
 * <pre>
 *   testrun CALLS ROUNDS REFERENCE.o NAME=OBJECT.o...
 *   live OBJECT.o HOST_IF_A POD_MAC_A IP_A HOST_IF_B POD_MAC_B IP_B    (detaches and exits when stdin closes)
 * </pre>
 *
 * What a busy node looks like here: pod A (endpoint 11, identity 1001) talks to pod B (12, 1002); both
 * enforce policy in both directions, A's egress allows B on the benchmark's ports (and ping) and B's ingress
 * allows A; each policy map also holds a few hundred entries for other peers; 200 more endpoints, 2 000
 * CIDR identities in the IP cache, 30 000 unrelated connections in conntrack; the default event
 * configuration (drops, policy verdicts, traces once per connection and interval).
 */
public final class BpfCost {

    static final int LO = 1;
    static final int A_ID = 11;
    static final int B_ID = 12;
    static final int A_IDENTITY = 1001;
    static final int B_IDENTITY = 1002;
    static final int[] PORTS = {11111, 12345, 5201};
    static final int ALL_POLICY = EndpointMap.F_POLICY_INGRESS | EndpointMap.F_POLICY_EGRESS;
    static final int TCP = 6;
    static final int SYN = 0x02;
    static final int ACK = 0x10;
    static final int PSH = 0x08;
    /** Runs per timed call in the hot loop; the TTL (255) must outlast them, since the loop reuses the packet. */
    static final int HOT_REPEAT = 200;

    record Pod(Inet4Address ip, MacAddress mac, MacAddress nodeMac, int ifindex) {
    }

    /** One loaded object with its maps filled. */
    static final class Loaded implements AutoCloseable {
        final BpfObject object;
        final Set<String> maps;
        final EndpointMap endpoints;
        final PolicyMaps policy;
        final RingBufferReader events;

        Loaded(Path elf) throws IOException {
            object = BpfObject.open("bpf_lxc", Files.readAllBytes(elf), null);
            maps = object.mapSpecs().stream().map(MapSpec::name).collect(Collectors.toSet());
            try (Arena arena = Arena.ofConfined(); BpfMap template = PolicyMaps.template(16384)) {
                if (maps.contains(PolicyMaps.NAME)) {
                    object.setInnerMapTemplate(PolicyMaps.NAME, template);
                    MemorySegment c = arena.allocate(DatapathConfig.CODEC.layout());
                    DatapathConfig.CODEC.encode(DatapathConfig.DEFAULTS, c);
                    object.setConstant("CONFIG", c);
                }
                object.load();
            }
            endpoints = EndpointMap.of(object.map(EndpointMap.NAME));
            policy = maps.contains(PolicyMaps.NAME) ? new PolicyMaps(object.map(PolicyMaps.NAME), 16384) : null;
            events = maps.contains("porin_events") ? new RingBufferReader(object.map("porin_events")) : null;
        }

        BpfProgram program(String name) {
            return object.program(name);
        }

        void pods(Pod a, Pod b) {
            endpoints.upsert(a.ip(), new EndpointMap.Info(a.ifindex(), A_ID, ALL_POLICY, a.mac(), a.nodeMac(), A_IDENTITY));
            endpoints.upsert(b.ip(), new EndpointMap.Info(b.ifindex(), B_ID, ALL_POLICY, b.mac(), b.nodeMac(), B_IDENTITY));
        }

        void fill(Pod a, Pod b) {
            SplittableRandom random = new SplittableRandom(42);
            pods(a, b);
            if (policy == null) {
                return;
            }
            EndpointStatsMap stats = EndpointStatsMap.of(object.map(EndpointStatsMap.NAME));
            IpCacheMap ipcache = IpCacheMap.of(object.map(IpCacheMap.NAME));
            stats.reset(A_ID);
            stats.reset(B_ID);
            ipcache.upsert(Ipv4Prefix.of(a.ip(), 32), A_IDENTITY);
            ipcache.upsert(Ipv4Prefix.of(b.ip(), 32), B_IDENTITY);
            for (int i = 0; i < 200; i++) {
                Inet4Address ip = address(10, 214, i / 250, 1 + i % 250);
                int id = 100 + i;
                endpoints.upsert(ip, new EndpointMap.Info(5000 + i, id, ALL_POLICY, MacAddress.randomLocal(random),
                        MacAddress.randomLocal(random), 2000 + i));
                stats.reset(id);
                ipcache.upsert(Ipv4Prefix.of(ip, 32), 2000 + i);
            }
            for (int i = 0; i < 2000; i++) {
                ipcache.upsert(Ipv4Prefix.of(address(172, 16 + i / 256, i % 256, 0), 24), 0x01000000 + i);
            }
            var aPolicy = policy.forEndpoint(A_ID);
            var bPolicy = policy.forEndpoint(B_ID);
            for (int port : PORTS) {
                aPolicy.put(PolicyKey.exact(B_IDENTITY, Direction.EGRESS, TCP, port), new PolicyEntry(false, 1));
                bPolicy.put(PolicyKey.exact(A_IDENTITY, Direction.INGRESS, TCP, port), new PolicyEntry(false, 2));
            }
            for (int i = 0; i < 300; i++) {
                aPolicy.put(PolicyKey.exact(2000 + i % 200, Direction.EGRESS, TCP, 1000 + i), new PolicyEntry(false, 3));
                bPolicy.put(PolicyKey.exact(2000 + i % 200, Direction.INGRESS, TCP, 1000 + i), new PolicyEntry(false, 4));
            }
            aPolicy.put(PolicyKey.exact(B_IDENTITY, Direction.EGRESS, 1, 8), new PolicyEntry(false, 1));
            bPolicy.put(PolicyKey.exact(A_IDENTITY, Direction.INGRESS, 1, 8), new PolicyEntry(false, 2));
            aPolicy.put(PolicyKey.exact(0, Direction.EGRESS, 17, 53), new PolicyEntry(false, 5));
            bPolicy.put(PolicyKey.exact(0, Direction.INGRESS, TCP, 9090), new PolicyEntry(true, 6));
            NodeConfigMap.of(object.map(NodeConfigMap.NAME)).policyRevision(1);

            CtMap ct = CtMap.of(object.map(CtMap.NAME));
            long now = Libc.monotonicSeconds();
            for (int i = 0; i < 30000; i++) {
                var key = new CtMap.Key(address(10, 250, random.nextInt(256), random.nextInt(256)),
                        address(10, 251, random.nextInt(256), random.nextInt(256)), 1024 + random.nextInt(60000),
                        80, TCP);
                ct.kv().put(key, ctEntry(now));
            }
        }

        void drain() {
            if (events != null) {
                events.consume(r -> { });
            }
        }

        @Override
        public void close() {
            if (events != null) {
                events.close();
            }
            if (policy != null) {
                policy.close();
            }
            object.close();
        }
    }

    static CtMap.Entry ctEntry(long now) {
        return new CtMap.Entry(10, 1000, 10, 1000, now + 21600, CtMap.F_SEEN_NON_SYN, 0x1b, 0x1b, 2000, 1, now, now);
    }

    static Inet4Address address(int a, int b, int c, int d) {
        try {
            return (Inet4Address) Inet4Address.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Ethernet + IPv4 (checksummed) + TCP with {@code payload} bytes. */
    static byte[] tcp(Pod from, Pod to, int sport, int dport, int flags, int payload, int ttl) {
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 20 + payload);
        b.put(from.nodeMac().bytes()).put(from.mac().bytes()).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (40 + payload)).putShort((short) 1).putShort((short) 0x4000);
        b.put((byte) ttl).put((byte) TCP).putShort((short) 0).put(from.ip().getAddress()).put(to.ip().getAddress());
        b.putShort((short) sport).putShort((short) dport).putInt(1000).putInt(flags == SYN ? 0 : 2000);
        b.put((byte) 0x50).put((byte) flags).putShort((short) 64240).putShort((short) 0).putShort((short) 0);
        byte[] p = b.array();
        int sum = 0;
        for (int i = 14; i < 34; i += 2) {
            sum += ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff);
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        p[24] = (byte) (~sum >> 8);
        p[25] = (byte) ~sum;
        return p;
    }

    static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }

    /** Median over {@code calls} timed calls of the kernel's average run time, checking the verdict. */
    static double time(BpfProgram p, byte[] packet, int repeat, int calls, int verdict, String what) {
        long[] d = new long[calls];
        for (int i = 0; i < calls; i++) {
            TestRun r = p.testRun(packet, LO, 0, repeat);
            if (r.retval() != verdict) {
                throw new IllegalStateException(what + ": verdict " + r.retval() + ", expected " + verdict);
            }
            d[i] = r.durationNanos();
        }
        return median(d);
    }

    record Row(String name, double fwdHot, double replyHot, double fwdCall, double replyCall, double newCall) {
        double rrHot() {
            return (fwdHot + replyHot) / 2;
        }

        double rrCall() {
            return (fwdCall + replyCall) / 2;
        }
    }

    static Row measure(String name, Path elf, int calls, double callFloor) throws IOException {
        // Both pods behind loopback, where test runs arrive: each is then on the veth its packets come in on.
        Pod a = new Pod(address(10, 213, 0, 1), MacAddress.parse("02:00:00:00:0a:01"),
                MacAddress.parse("02:00:00:00:0a:02"), LO);
        Pod b = new Pod(address(10, 213, 0, 2), MacAddress.parse("02:00:00:00:0b:01"),
                MacAddress.parse("02:00:00:00:0b:02"), LO);
        try (Loaded l = new Loaded(elf)) {
            BpfProgram from = l.program("from_container");
            l.fill(a, b);
            int redirect = TestRun.TC_ACT_REDIRECT;
            time(from, tcp(a, b, 40000, PORTS[0], SYN, 0, 64), 1, 1, redirect, name + " SYN");
            time(from, tcp(b, a, PORTS[0], 40000, SYN | ACK, 0, 64), 1, 1, redirect, name + " SYN-ACK");
            time(from, tcp(a, b, 40000, PORTS[0], ACK, 0, 64), 1, 1, redirect, name + " ACK");

            byte[] request = tcp(a, b, 40000, PORTS[0], ACK | PSH, 64, 255);
            byte[] response = tcp(b, a, PORTS[0], 40000, ACK | PSH, 64, 255);
            double fwdHot = time(from, request, HOT_REPEAT, calls / 10, redirect, name + " request");
            double fwdCall = time(from, request, 1, calls, redirect, name + " request") - callFloor;
            double replyHot = time(from, response, HOT_REPEAT, calls / 10, redirect, name + " response");
            double replyCall = time(from, response, 1, calls, redirect, name + " response") - callFloor;
            l.drain();

            long[] fresh = new long[calls];
            for (int i = 0; i < calls; i++) {
                TestRun r = from.testRun(tcp(a, b, 1024 + i, PORTS[1], SYN, 0, 64), LO, 0, 1);
                if (r.retval() != redirect) {
                    throw new IllegalStateException(name + " new connection: verdict " + r.retval());
                }
                fresh[i] = r.durationNanos();
                if (i % 256 == 0) {
                    l.drain();
                }
            }
            return new Row(name, fwdHot, replyHot, fwdCall, replyCall, median(fresh) - callFloor);
        }
    }

    static void testrun(String[] args) throws IOException {
        int calls = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        Path reference = Path.of(args[3]);
        List<String> names = new ArrayList<>(List.of("reference"));
        List<Path> objects = new ArrayList<>(List.of(reference));
        for (int i = 4; i < args.length; i++) {
            String[] nv = args[i].split("=", 2);
            names.add(nv[0]);
            objects.add(Path.of(nv[1]));
        }
        // Rounds over every variant in a fresh random order, so that drift (other load) falls on all alike.
        List<List<Row>> byVariant = new ArrayList<>();
        names.forEach(n -> byVariant.add(new ArrayList<>()));
        List<Double> floors = new ArrayList<>();
        List<Double> hotFloors = new ArrayList<>();
        java.util.Random shuffle = new java.util.Random();
        for (int round = 0; round < rounds; round++) {
            double[] empty = empty(reference, calls);
            hotFloors.add(empty[0]);
            floors.add(empty[1]);
            List<Integer> order = new ArrayList<>(java.util.stream.IntStream.range(0, names.size()).boxed().toList());
            java.util.Collections.shuffle(order, shuffle);
            for (int i : order) {
                byVariant.get(i).add(measure(names.get(i), objects.get(i), calls, empty[1]));
            }
            System.err.printf("   round %d/%d done%n", round + 1, rounds);
        }
        System.out.printf("# empty program: %.0f ns per run in the hot loop, %.0f ns per single timed run"
                + " (subtracted from the single-run columns)%n", medianOf(hotFloors), medianOf(floors));
        System.out.println("# ns per packet; hot: average of " + HOT_REPEAT + " back-to-back runs (caches warm);"
                + " single: one run per syscall, minus the empty program's single run; RR = mean of request and"
                + " response; new = a connection's first packet (SYN). Medians over " + calls + " calls, then over "
                + rounds + " rounds.");
        System.out.printf("%-22s %8s %8s %8s | %8s %8s %8s %8s | %s%n", "variant", "req hot", "resp hot", "RR hot",
                "req 1", "resp 1", "RR 1", "new 1", "saves vs full (RR hot / RR 1 / new 1)");
        List<Row> rows = byVariant.stream().map(BpfCost::medianRow).toList();
        Row full = rows.stream().filter(r -> r.name().equals("full")).findFirst().orElse(rows.get(0));
        for (Row r : rows) {
            String saves = r == full || r.name().equals("reference") ? ""
                    : String.format("%+.0f / %+.0f / %+.0f", full.rrHot() - r.rrHot(), full.rrCall() - r.rrCall(),
                            full.newCall() - r.newCall());
            System.out.printf("%-22s %8.0f %8.0f %8.0f | %8.0f %8.0f %8.0f %8.0f | %s%n", r.name(), r.fwdHot(),
                    r.replyHot(), r.rrHot(), r.fwdCall(), r.replyCall(), r.rrCall(), r.newCall(), saves);
        }
    }

    /** The empty program's cost: {hot loop, single timed run}. */
    static double[] empty(Path reference, int calls) throws IOException {
        try (Loaded l = new Loaded(reference)) {
            BpfProgram empty = l.program("empty");
            Pod a = new Pod(address(10, 213, 0, 1), MacAddress.parse("02:00:00:00:0a:01"),
                    MacAddress.parse("02:00:00:00:0a:02"), LO);
            byte[] p = tcp(a, a, 1, 2, ACK, 64, 255);
            return new double[] {time(empty, p, HOT_REPEAT, calls / 10, TestRun.TC_ACT_OK, "empty"),
                time(empty, p, 1, calls, TestRun.TC_ACT_OK, "empty")};
        }
    }

    static double medianOf(List<Double> v) {
        return median(v.stream().mapToLong(Math::round).toArray());
    }

    static Row medianRow(List<Row> rows) {
        return new Row(rows.get(0).name(), medianOf(rows.stream().map(Row::fwdHot).toList()),
                medianOf(rows.stream().map(Row::replyHot).toList()), medianOf(rows.stream().map(Row::fwdCall).toList()),
                medianOf(rows.stream().map(Row::replyCall).toList()), medianOf(rows.stream().map(Row::newCall).toList()));
    }

    static void live(String[] args) throws Exception {
        Pod a = livePod(args[2], args[3], args[4]);
        Pod b = livePod(args[5], args[6], args[7]);
        try (Loaded l = new Loaded(Path.of(args[1]))) {
            l.fill(a, b);
            for (Pod p : List.of(a, b)) {
                Tc.attach(p.ifindex(), Tc.Direction.INGRESS, l.program("from_container"));
                Tc.attach(p.ifindex(), Tc.Direction.EGRESS, l.program("to_container"));
            }
            System.out.println("ready " + Tc.query(a.ifindex(), Tc.Direction.INGRESS).orElse(0));
            System.out.flush();
            // Drain events as the agent does, until the script closes stdin.
            Thread stdin = Thread.ofPlatform().daemon().start(() -> {
                try {
                    System.in.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (IOException ignored) {
                    // closed
                }
            });
            while (stdin.isAlive()) {
                if (l.events != null) {
                    l.events.poll(100, r -> { });
                } else {
                    Thread.sleep(100);
                }
            }
            for (Pod p : List.of(a, b)) {
                Tc.detach(p.ifindex(), Tc.Direction.INGRESS);
                Tc.detach(p.ifindex(), Tc.Direction.EGRESS);
            }
        }
    }

    static Pod livePod(String hostIf, String podMac, String ip) throws IOException {
        String nodeMac = Files.readString(Path.of("/sys/class/net", hostIf, "address")).strip();
        return new Pod(Ipv4Prefix.parseAddress(ip), MacAddress.parse(podMac), MacAddress.parse(nodeMac),
                Libc.ifNameToIndex(hostIf));
    }

    public static void main(String[] args) throws Exception {
        switch (args.length > 0 ? args[0] : "") {
            case "testrun" -> testrun(args);
            case "live" -> live(args);
            default -> {
                System.err.println("usage: BpfCost testrun CALLS ROUNDS REFERENCE.o NAME=OBJECT.o... | live OBJECT.o"
                        + " HOST_IF_A POD_MAC_A IP_A HOST_IF_B POD_MAC_B IP_B");
                System.exit(2);
            }
        }
    }
}
