// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath.netlink;

import dev.porin.datapath.sys.Errno;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Links, IPv4 addresses and IPv4 routes of one network namespace, through rtnetlink(7).
 *
 * <p>Each call is one request (two for the calls that create a link and return it) that the kernel
 * acknowledges before the call returns; a refusal throws a {@link NetlinkException} naming the request and
 * its subject. The namespace is the one the opening thread was in, for the instance's whole life, so an
 * instance for another namespace is opened inside it and then used from anywhere:
 *
 * <pre>{@code
 * try (RtNetlink pod = NetNs.call(netnsPath, RtNetlink::open)) {
 *     pod.setUp(pod.link("eth0").orElseThrow().index());
 * }
 * }</pre>
 *
 * <p>An open instance holds its namespace: after {@code ip netns del}, the namespace and its links live on
 * until the instance is closed.
 *
 * <p>An instance may be shared between threads; its requests run one at a time.
 */
public final class RtNetlink implements AutoCloseable {

    private final NetlinkSocket socket;

    private RtNetlink(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** A socket in the calling thread's current network namespace. */
    public static RtNetlink open() {
        return new RtNetlink(NetlinkSocket.open());
    }

    /**
     * Creates a veth pair: the host side here, the peer inside the namespace {@link VethSpec#peerNetnsFd}
     * refers to. Both sides are left down.
     *
     * @return the host side
     */
    public Link createVethPair(VethSpec spec) {
        socket.request(LinkMessages.newVeth(spec),
                "RTM_NEWLINK veth " + spec.name() + " peer " + spec.peerName());
        return created(spec.name());
    }

    public Optional<Link> link(String name) {
        return getLink(LinkMessages.get(name), "RTM_GETLINK " + name);
    }

    public Optional<Link> link(int ifindex) {
        return getLink(LinkMessages.get(ifindex), "RTM_GETLINK ifindex " + ifindex);
    }

    /** Every link in the namespace, loopback included. */
    public List<Link> links() {
        return socket.dump(LinkMessages.dump(), "RTM_GETLINK dump").stream()
                .filter(m -> m.type() == LinkMessages.RTM_NEWLINK)
                .map(LinkMessages::decode)
                .toList();
    }

    /** Sets the link administratively up; nothing happens if it is up already. */
    public void setUp(int ifindex) {
        socket.request(LinkMessages.up(ifindex), "RTM_NEWLINK ifindex " + ifindex + " up");
    }

    /**
     * Deletes a link; for a veth, its peer goes too, wherever it is.
     *
     * @return false if there was no such link
     */
    public boolean deleteLink(int ifindex) {
        try {
            socket.request(LinkMessages.delete(ifindex), "RTM_DELLINK ifindex " + ifindex);
            return true;
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENODEV) {
                return false;
            }
            throw e;
        }
    }

    /** Adds an address to an interface; one it already has is an error (EEXIST). */
    public void addAddress(Address address) {
        socket.request(AddressMessages.add(address), "RTM_NEWADDR " + address);
    }

    /** The IPv4 addresses of an interface. */
    public List<Address> addresses(int ifindex) {
        return socket.dump(AddressMessages.dump(ifindex), "RTM_GETADDR dump ifindex " + ifindex).stream()
                .filter(m -> m.type() == AddressMessages.RTM_NEWADDR)
                .map(AddressMessages::decode)
                .filter(a -> a.ifindex() == ifindex)
                .toList();
    }

    /** Adds a route to the main table; an existing route to the same destination is an error (EEXIST). */
    public void addRoute(Route route) {
        socket.request(RouteMessages.add(route), "RTM_NEWROUTE " + route);
    }

    /** Adds a route to the main table, replacing the one to the same destination if there is one. */
    public void replaceRoute(Route route) {
        socket.request(RouteMessages.replace(route), "RTM_NEWROUTE replace " + route);
    }

    /**
     * Deletes the route that matches every field of {@code route}.
     *
     * @return false if there was no such route
     */
    public boolean deleteRoute(Route route) {
        try {
            socket.request(RouteMessages.delete(route), "RTM_DELROUTE " + route);
            return true;
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ESRCH) {
                return false;
            }
            throw e;
        }
    }

    /**
     * The routes of the main IPv4 table that a {@link Route} can describe: unicast, with a single next hop.
     * Porin installs no others.
     */
    public List<Route> routes() {
        return socket.dump(RouteMessages.dumpMain(), "RTM_GETROUTE dump").stream()
                .filter(m -> m.type() == RouteMessages.RTM_NEWROUTE)
                .map(RouteMessages::decode)
                .filter(Objects::nonNull)
                .toList();
    }

    @Override
    public void close() {
        socket.close();
    }

    private Optional<Link> getLink(MessageBuilder request, String operation) {
        try {
            return socket.request(request, operation).stream()
                    .filter(m -> m.type() == LinkMessages.RTM_NEWLINK)
                    .map(LinkMessages::decode)
                    .findFirst();
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENODEV) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private Link created(String name) {
        return link(name).orElseThrow(() -> new NetlinkException("RTM_GETLINK " + name, Errno.ENODEV,
                "the link was deleted right after it was created"));
    }
}
