// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.testing;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The namespaces and host links one test creates, under names no one else uses ({@code porin-nl-it-*},
 * {@code pnlt*}), removed again by {@link #close} whatever the test's outcome: host links first, since
 * a namespace and the veth peers inside it disappear only asynchronously after {@code ip netns del}.
 */
public final class NetFixture implements AutoCloseable {

    public static final String NETNS_PREFIX = "porin-nl-it-";

    private final Deque<String> hostLinks = new ArrayDeque<>();
    private final Deque<String> namespaces = new ArrayDeque<>();

    /** A fresh, empty named network namespace; returns its path, /run/netns/porin-nl-it-*. */
    public Path netns() {
        String name = NETNS_PREFIX + randomHex();
        Ip.ip("netns", "add", name);
        namespaces.push(name);
        return Path.of("/run/netns", name);
    }

    /** A fresh name for a link in the host namespace, deleted at the end of the test if it exists. */
    public String hostLinkName() {
        String name = linkName();
        hostLinks.push(name);
        return name;
    }

    /** A fresh name for a link inside a test namespace, which goes with the namespace. */
    public static String linkName() {
        return "pnlt" + randomHex();
    }

    public static String name(Path netns) {
        return netns.getFileName().toString();
    }

    @Override
    public void close() {
        AssertionError failure = null;
        while (!hostLinks.isEmpty()) {
            String link = hostLinks.pop();
            if (Ip.run("link", "show", "dev", link).exitCode() == 0) {
                failure = record(failure, Ip.run("link", "del", "dev", link), "link del " + link);
            }
        }
        while (!namespaces.isEmpty()) {
            String ns = namespaces.pop();
            failure = record(failure, Ip.run("netns", "del", ns), "netns del " + ns);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static AssertionError record(AssertionError failure, Ip.Result result, String what) {
        if (result.exitCode() == 0) {
            return failure;
        }
        AssertionError e = new AssertionError("cleanup: ip " + what + " failed: " + result.output());
        if (failure != null) {
            failure.addSuppressed(e);
            return failure;
        }
        return e;
    }

    private static String randomHex() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }
}
