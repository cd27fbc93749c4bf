// SPDX-License-Identifier: Apache-2.0
package dev.porin.e2e.harness;

import dev.porin.datapath.netns.NetNs;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Connection attempts that put exactly one packet on the wire each: a non-blocking connect makes the
 * kernel send the SYN within the call, and closing the socket right away, still in SYN-SENT, sends
 * nothing more (no FIN, no RST) and cancels the retransmission the kernel would send after a second.
 */
public final class Syn {

    private Syn() {
    }

    /** Sends one TCP SYN from a pod's namespace to {@code ip:port}. */
    public static void send(Path netns, String ip, int port) {
        SocketChannel channel;
        try {
            channel = NetNs.call(netns, SocketChannel::open);
        } catch (Exception e) {
            throw new IllegalStateException("cannot open a socket in " + netns, e);
        }
        try (channel) {
            channel.configureBlocking(false);
            if (channel.connect(new InetSocketAddress(ip, port))) {
                throw new IllegalStateException("connected to " + ip + ":" + port + " at once; expected a pending SYN");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot send a SYN from " + netns + " to " + ip + ":" + port, e);
        }
    }
}
