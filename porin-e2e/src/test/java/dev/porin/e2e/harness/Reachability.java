// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e.harness;

import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * A reachability matrix: for every ordered pair of distinct pods and every port/protocol, whether traffic
 * gets through. A matrix is either expected (written from a predicate over {@link Cell}s) or observed
 * ({@link #probe}: every cell tried at once from inside the pods, each with a short timeout, so that the
 * whole matrix costs about one timeout). A pod talking to itself never crosses the datapath, so self pairs
 * are left out.
 *
 * <p>The servers ({@link #serve}) answer as {@code namespace/name:port}, so a probe knows it reached the pod it
 * meant: TCP servers send that as a greeting and close, UDP servers echo {@code namespace/name:port|payload}.
 */
public final class Reachability {

    public enum Protocol { TCP, UDP }

    /** A destination port and protocol, printed {@code 80/TCP}. */
    public record Port(int number, Protocol protocol) {
        @Override
        public String toString() {
            return number + "/" + protocol;
        }
    }

    public static final List<Port> PORTS = List.of(new Port(80, Protocol.TCP), new Port(81, Protocol.TCP),
            new Port(80, Protocol.UDP), new Port(81, Protocol.UDP));

    /** A pod by Kubernetes namespace and name, printed {@code x/a}. */
    public record Pod(String namespace, String name) {
        public static Pod parse(String text) {
            int slash = text.indexOf('/');
            return new Pod(text.substring(0, slash), text.substring(slash + 1));
        }

        public static Pod of(TestPod pod) {
            return new Pod(pod.namespace(), pod.name());
        }

        @Override
        public String toString() {
            return namespace + "/" + name;
        }
    }

    /** Traffic from one pod to another on one port. Its helpers make expectations read like the policy. */
    public record Cell(Pod from, Pod to, Port port) {
        /** From pod {@code ns/name}. */
        public boolean from(String pod) {
            return from.toString().equals(pod);
        }

        /** To pod {@code ns/name}. */
        public boolean to(String pod) {
            return to.toString().equals(pod);
        }

        public boolean fromNs(String namespace) {
            return from.namespace().equals(namespace);
        }

        public boolean toNs(String namespace) {
            return to.namespace().equals(namespace);
        }

        /** From a pod named {@code name} (of any namespace). */
        public boolean fromName(String name) {
            return from.name().equals(name);
        }

        /** To a pod named {@code name} (of any namespace). */
        public boolean toName(String name) {
            return to.name().equals(name);
        }

        public boolean tcp() {
            return port.protocol() == Protocol.TCP;
        }

        public boolean udp() {
            return port.protocol() == Protocol.UDP;
        }

        /** On port {@code number}, either protocol. */
        public boolean port(int number) {
            return port.number() == number;
        }

        /** On {@code port}, e.g. {@code 80/TCP}. */
        public boolean is(String port) {
            return this.port.toString().equals(port);
        }

        @Override
        public String toString() {
            return from + " -> " + to + " " + port;
        }
    }

    private final List<Pod> pods;
    private final List<Port> ports;
    private final Map<Cell, Boolean> allowed;

    private Reachability(List<Pod> pods, List<Port> ports, Map<Cell, Boolean> allowed) {
        this.pods = List.copyOf(pods);
        this.ports = List.copyOf(ports);
        this.allowed = allowed;
    }

    /** Every cell of {@code pods} x {@code pods} x {@code ports}, self pairs left out. */
    public static List<Cell> cells(List<Pod> pods, List<Port> ports) {
        List<Cell> out = new ArrayList<>();
        for (Port port : ports) {
            for (Pod from : pods) {
                for (Pod to : pods) {
                    if (!from.equals(to)) {
                        out.add(new Cell(from, to, port));
                    }
                }
            }
        }
        return out;
    }

    /** The matrix in which exactly the cells {@code allowed} accepts get through. */
    public static Reachability expect(List<Pod> pods, List<Port> ports, Predicate<Cell> allowed) {
        Map<Cell, Boolean> out = new LinkedHashMap<>();
        cells(pods, ports).forEach(c -> out.put(c, allowed.test(c)));
        return new Reachability(pods, ports, out);
    }

    public boolean allowed(Cell cell) {
        Boolean a = allowed.get(cell);
        if (a == null) {
            throw new IllegalArgumentException("no cell " + cell);
        }
        return a;
    }

    public boolean allowed(String from, String to, Port port) {
        return allowed(new Cell(Pod.parse(from), Pod.parse(to), port));
    }

    public Map<Cell, Boolean> cells() {
        return java.util.Collections.unmodifiableMap(allowed);
    }

    public long allowedCount() {
        return allowed.values().stream().filter(Boolean::booleanValue).count();
    }

    // ---- servers and probes

    /** The servers of every pod on every port; closing stops them all. */
    public static final class Servers implements AutoCloseable {
        private final List<AutoCloseable> servers = new ArrayList<>();

        @Override
        public void close() {
            RuntimeException failure = null;
            for (AutoCloseable s : servers) {
                try {
                    s.close();
                } catch (Exception e) {
                    failure = failure == null ? new IllegalStateException("closing servers", e) : failure;
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    private static String answerOf(Pod pod, Port port) {
        return pod + ":" + port.number();
    }

    /** Starts a TCP or UDP server on each of {@code ports} in each of {@code pods}. */
    public static Servers serve(List<TestPod> pods, List<Port> ports) {
        Servers servers = new Servers();
        try {
            for (TestPod pod : pods) {
                for (Port port : ports) {
                    String name = answerOf(Pod.of(pod), port);
                    servers.servers.add(port.protocol() == Protocol.TCP ? Tcp.serve(pod.netnsPath(), port.number(), name)
                            : Udp.echo(pod.netnsPath(), port.number(), name));
                }
            }
            return servers;
        } catch (RuntimeException e) {
            servers.close();
            throw e;
        }
    }

    /**
     * Tries every cell at once: a TCP connection that must deliver the server's greeting, or a datagram
     * whose echo must come back, each within {@code timeout}.
     */
    public static Reachability probe(List<TestPod> pods, List<Port> ports, Duration timeout) {
        List<Pod> names = pods.stream().map(Pod::of).toList();
        Map<Pod, TestPod> byName = new LinkedHashMap<>();
        pods.forEach(p -> byName.put(Pod.of(p), p));
        List<Cell> cells = cells(names, ports);
        // Sockets belong to the namespace they are opened in: open each source pod's all at once.
        Map<Pod, Iterator<SocketChannel>> tcp = new LinkedHashMap<>();
        Map<Pod, Iterator<DatagramChannel>> udp = new LinkedHashMap<>();
        for (TestPod p : pods) {
            Pod from = Pod.of(p);
            long nTcp = cells.stream().filter(c -> c.from().equals(from) && c.tcp()).count();
            long nUdp = cells.stream().filter(c -> c.from().equals(from) && c.udp()).count();
            tcp.put(from, Tcp.open(p.netnsPath(), (int) nTcp).iterator());
            udp.put(from, Udp.open(p.netnsPath(), (int) nUdp).iterator());
        }
        Map<Cell, Future<Boolean>> pending = new LinkedHashMap<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Cell c : cells) {
                String ip = byName.get(c.to()).ip();
                String expected = answerOf(c.to(), c.port());
                if (c.tcp()) {
                    SocketChannel ch = tcp.get(c.from()).next();
                    pending.put(c, ex.submit(() -> check(c, expected, Tcp.exchange(ch, ip, c.port().number(), timeout))));
                } else {
                    DatagramChannel ch = udp.get(c.from()).next();
                    String payload = "from " + c.from();
                    pending.put(c, ex.submit(() -> check(c, expected + "|" + payload,
                            Udp.exchange(ch, ip, c.port().number(), payload, timeout))));
                }
            }
        }
        Map<Cell, Boolean> out = new LinkedHashMap<>();
        pending.forEach((c, f) -> {
            try {
                out.put(c, f.get());
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("probe " + c + " failed", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        return new Reachability(names, ports, out);
    }

    private static boolean check(Cell c, String expected, String answer) {
        if (answer == null) {
            return false;
        }
        if (!answer.equals(expected)) {
            throw new AssertionError(c + ": expected the answer '" + expected + "', got '" + answer + "'");
        }
        return true;
    }

    // ---- comparing

    /** The cells where {@code observed} differs from this (expected) matrix. */
    public List<Cell> mismatches(Reachability observed) {
        return allowed.keySet().stream().filter(c -> allowed(c) != observed.allowed(c)).toList();
    }

    /**
     * The observed matrix as truth tables, one per port: rows are sources, columns destinations, {@code .}
     * allowed, {@code X} denied, {@code -} a pod and itself; a cell observed differently from this
     * (expected) matrix is marked with {@code *}. Then every mismatching cell in words.
     */
    public String table(Reachability observed) {
        StringBuilder out = new StringBuilder();
        List<Cell> wrong = mismatches(observed);
        out.append("observed reachability (. allowed, X denied, * differs from the expectation): ")
                .append(wrong.size()).append(" of ").append(allowed.size()).append(" cells differ\n");
        int width = pods.stream().mapToInt(p -> p.toString().length()).max().orElse(3) + 2;
        int first = Math.max(width, ports.stream().mapToInt(p -> p.toString().length()).max().orElse(0) + 2);
        for (Port port : ports) {
            StringBuilder header = new StringBuilder(pad(port.toString(), first));
            pods.forEach(p -> header.append(pad(p.toString(), width)));
            out.append('\n').append(header.toString().stripTrailing()).append('\n');
            for (Pod from : pods) {
                StringBuilder row = new StringBuilder(pad(from.toString(), first));
                for (Pod to : pods) {
                    if (from.equals(to)) {
                        row.append(pad("-", width));
                        continue;
                    }
                    Cell c = new Cell(from, to, port);
                    boolean seen = observed.allowed(c);
                    row.append(pad((seen ? "." : "X") + (seen != allowed(c) ? "*" : ""), width));
                }
                out.append(row.toString().stripTrailing()).append('\n');
            }
        }
        if (!wrong.isEmpty()) {
            out.append('\n');
            wrong.forEach(c -> out.append("  ").append(c).append(": expected ")
                    .append(allowed(c) ? "allowed" : "denied").append(", observed ")
                    .append(observed.allowed(c) ? "allowed" : "denied").append('\n'));
        }
        return out.toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }
}
