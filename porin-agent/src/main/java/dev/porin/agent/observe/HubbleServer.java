// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.observe;

import dev.porin.observe.ObserverService;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The Hubble-compatible Observer API over gRPC, in plain text: it listens on localhost unless told
 * otherwise, like the agent's other network listeners. Calls run on virtual threads, so a client that
 * follows flows for hours holds no platform thread.
 */
public final class HubbleServer implements AutoCloseable {

    private final Server server;
    private final ExecutorService calls;

    private HubbleServer(Server server, ExecutorService calls) {
        this.server = server;
        this.calls = calls;
    }

    public static HubbleServer start(InetSocketAddress address, ObserverService service) {
        InetSocketAddress bind = address.isUnresolved()
                ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
        ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
        Server server = NettyServerBuilder.forAddress(bind).executor(calls).addService(service).build();
        try {
            server.start();
        } catch (IOException e) {
            calls.close();
            throw new UncheckedIOException("cannot listen on " + bind + " for the Hubble API", e);
        }
        return new HubbleServer(server, calls);
    }

    /** The port it listens on (useful when asked for port 0). */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        calls.shutdownNow();
    }
}
