// SPDX-License-Identifier: Apache-2.0
package dev.porin.policy;

import dev.porin.policy.api.Direction;
import dev.porin.policy.api.Protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * A policy map key: peer identity (0 = any peer), direction, and a protocol/port prefix. The datapath
 * stores keys in an LPM trie whose prefix runs over identity and direction (always matched in full), then
 * protocol (8 bits, unless any protocol) and the destination port ({@code portPrefix} leading bits). Port
 * ranges become the few aligned prefixes that cover them exactly.
 *
 * @param protocol   IP protocol, 0 for any (then port and portPrefix are 0)
 * @param portPrefix how many leading bits of {@code port} must match: 16 exact, 0 any port
 */
public record PolicyKey(int identity, Direction direction, int protocol, int port, int portPrefix)
        implements Comparable<PolicyKey> {

    public PolicyKey {
        if (protocol == 0 && (port != 0 || portPrefix != 0)) {
            throw new IllegalArgumentException("a key for any protocol cannot name a port");
        }
        if (portPrefix < 0 || portPrefix > 16) {
            throw new IllegalArgumentException("port prefix " + portPrefix + " is outside 0..16");
        }
        port &= portMask(portPrefix);
    }

    /** Every protocol and port from/to the peer. */
    public static PolicyKey l3(int identity, Direction direction) {
        return new PolicyKey(identity, direction, 0, 0, 0);
    }

    public static PolicyKey exact(int identity, Direction direction, int protocol, int port) {
        return new PolicyKey(identity, direction, protocol, port, 16);
    }

    /** The aligned prefixes covering ports {@code first..last} exactly. */
    public static List<PolicyKey> range(int identity, Direction direction, int protocol, int first, int last) {
        List<PolicyKey> out = new ArrayList<>();
        if (first == 0 && last == 65535) {
            out.add(new PolicyKey(identity, direction, protocol, 0, 0));
            return out;
        }
        int p = first;
        while (p <= last) {
            int size = Integer.lowestOneBit(p == 0 ? 1 << 16 : p);
            while (p + size - 1 > last) {
                size >>= 1;
            }
            out.add(new PolicyKey(identity, direction, protocol, p, 16 - Integer.numberOfTrailingZeros(size)));
            p += size;
        }
        return out;
    }

    private static int portMask(int prefix) {
        return prefix == 0 ? 0 : (0xFFFF << (16 - prefix)) & 0xFFFF;
    }

    /** Bits of protocol and port that must match (0..24): what the datapath's LPM value records. */
    public int prefixLength() {
        return protocol == 0 ? 0 : 8 + portPrefix;
    }

    /** True if every packet this key matches, {@code this} matches too (same peer and direction). */
    public boolean covers(PolicyKey other) {
        if (identity != other.identity || direction != other.direction) {
            return false;
        }
        if (protocol == 0) {
            return true;
        }
        return protocol == other.protocol && portPrefix <= other.portPrefix
                && (other.port & portMask(portPrefix)) == port;
    }

    public int firstPort() {
        return port;
    }

    public int lastPort() {
        return port | (~portMask(portPrefix) & 0xFFFF);
    }

    /** {@code ANY}, {@code TCP}, {@code 80/TCP}, {@code 1024-2047/TCP}: as cilium's bpf policy get prints ports. */
    public String portProtocol() {
        if (protocol == 0) {
            return "ANY";
        }
        Protocol p = Protocol.ofNumber(protocol);
        String proto = p == null ? Integer.toString(protocol) : p.name();
        if (portPrefix == 0) {
            return proto;
        }
        return (portPrefix == 16 ? Integer.toString(port) : port + "-" + lastPort()) + "/" + proto;
    }

    @Override
    public int compareTo(PolicyKey o) {
        int c = Integer.compare(identity, o.identity);
        if (c != 0) {
            return c;
        }
        c = direction.compareTo(o.direction);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(protocol, o.protocol);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(port, o.port);
        return c != 0 ? c : Integer.compare(portPrefix, o.portPrefix);
    }
}
