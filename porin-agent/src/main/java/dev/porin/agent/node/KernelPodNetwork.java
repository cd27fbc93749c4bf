// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.node;

import dev.porin.datapath.Datapath;
import dev.porin.datapath.netlink.Address;
import dev.porin.datapath.netlink.Link;
import dev.porin.datapath.netlink.Route;
import dev.porin.datapath.netlink.RtNetlink;
import dev.porin.datapath.netlink.Scope;
import dev.porin.datapath.netlink.VethSpec;
import dev.porin.datapath.netns.NetNs;
import dev.porin.datapath.netns.Sysctl;
import dev.porin.datapath.sys.Errno;
import dev.porin.datapath.sys.NativeException;
import dev.porin.endpoint.EndpointException;
import dev.porin.endpoint.PodNetwork;
import dev.porin.net.Ipv4Prefix;

import java.net.Inet4Address;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Plumbs pods with rtnetlink and attaches the datapath with libbpf.
 *
 * <p>The pod side of the veth is created directly inside the pod's namespace, so its name never has to be
 * free on the host. The pod gets a {@code /32} address, a link route to the gateway and a default route
 * through it; the datapath answers its ARP for the gateway. On the host, a {@code /32} route with the
 * gateway as preferred source lets the host reach the pod and the pod see who it is talking to. IPv6 is
 * off on both ends: Porin routes IPv4 only, and silence beats a stream of dropped neighbour solicitations.
 */
public final class KernelPodNetwork implements PodNetwork {

    private final Datapath datapath;

    public KernelPodNetwork(Datapath datapath) {
        this.datapath = datapath;
    }

    @Override
    public HostLink plumb(PodSpec spec) {
        NetNs.Handle ns = openNetns(spec.netns());
        try (ns; RtNetlink rt = RtNetlink.open()) {
            // A veth with this name can only be a leftover of this very attachment (the name derives from it).
            rt.link(spec.hostIfname()).ifPresent(stale -> rt.deleteLink(stale.index()));
            Link host;
            try {
                host = rt.createVethPair(new VethSpec(spec.hostIfname(), spec.hostMac(), spec.ifname(), spec.podMac(),
                        ns.fd(), spec.mtu()));
            } catch (NativeException e) {
                if (e.errno() == Errno.EEXIST) {
                    throw new EndpointException(EndpointException.Kind.INTERFACE_EXISTS, "interface " + spec.ifname()
                            + " already exists in " + spec.netns(), e);
                }
                throw e;
            }
            try {
                Sysctl.write("net/ipv6/conf/" + host.name() + "/disable_ipv6", "1");
                NetNs.call(Path.of(spec.netns()), () -> {
                    configurePodSide(spec);
                    return null;
                });
                rt.setUp(host.index());
                rt.replaceRoute(new Route(Ipv4Prefix.of(spec.address(), 32), null, host.index(), Scope.LINK, false,
                        spec.router()));
                datapath.attach(host.index());
                return new HostLink(host.name(), host.index(), host.mac(), true);
            } catch (Exception e) {
                rt.deleteLink(host.index());
                throw e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
            }
        } catch (EndpointException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EndpointException(EndpointException.Kind.KERNEL, "plumbing " + spec.ifname() + " in "
                    + spec.netns() + " failed: " + e.getMessage(), e);
        }
    }

    private static void configurePodSide(PodSpec spec) {
        try (RtNetlink rt = RtNetlink.open()) {
            Link pod = rt.link(spec.ifname()).orElseThrow(
                    () -> new IllegalStateException(spec.ifname() + " did not appear in " + spec.netns()));
            Sysctl.write("net/ipv6/conf/" + spec.ifname() + "/disable_ipv6", "1");
            rt.addAddress(new Address(pod.index(), spec.address(), 32));
            rt.setUp(pod.index());
            rt.addRoute(new Route(Ipv4Prefix.of(spec.router(), 32), null, pod.index(), Scope.LINK, false, null));
            rt.addRoute(new Route(Ipv4Prefix.parse("0.0.0.0/0"), spec.router(), pod.index(), Scope.UNIVERSE, false, null));
        }
    }

    private static NetNs.Handle openNetns(String netns) {
        try {
            return NetNs.open(Path.of(netns));
        } catch (NativeException e) {
            if (e.errno() == Errno.ENOENT) {
                throw new EndpointException(EndpointException.Kind.NETNS_NOT_FOUND,
                        "network namespace " + netns + " does not exist", e);
            }
            throw new EndpointException(EndpointException.Kind.NETNS_NOT_FOUND,
                    "cannot open network namespace " + netns + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean unplumb(String hostIfname) {
        return removeHostSide(hostIfname);
    }

    /** Deletes a pod's host-side veth; the pod side and the routes go with it. False if it was gone. */
    public static boolean removeHostSide(String hostIfname) {
        try (RtNetlink rt = RtNetlink.open()) {
            return rt.link(hostIfname).map(l -> rt.deleteLink(l.index())).orElse(false);
        }
    }

    @Override
    public Optional<HostLink> hostLink(String hostIfname) {
        try (RtNetlink rt = RtNetlink.open()) {
            return rt.link(hostIfname).map(l -> new HostLink(l.name(), l.index(), l.mac(), datapath.isAttached(l.index())));
        }
    }

    @Override
    public void restore(HostLink link, Inet4Address address, Inet4Address router) {
        datapath.attach(link.ifindex());
        try (RtNetlink rt = RtNetlink.open()) {
            rt.replaceRoute(new Route(Ipv4Prefix.of(address, 32), null, link.ifindex(), Scope.LINK, false, router));
        }
    }

    @Override
    public Optional<PodInterface> inspect(String netns, String ifname) {
        if (netns == null || !java.nio.file.Files.exists(Path.of(netns))) {
            return Optional.empty();
        }
        try {
            return NetNs.call(Path.of(netns), () -> {
                try (RtNetlink rt = RtNetlink.open()) {
                    return rt.link(ifname).map(l -> new PodInterface(l.name(), l.mac(), l.up(),
                            rt.addresses(l.index()).stream().map(a -> a.address().getHostAddress() + "/" + a.prefixLength()).toList(),
                            rt.routes().stream()
                                    .filter(r -> r.destination().length() == 0 && r.outputIfindex() == l.index())
                                    .map(Route::gateway).findFirst().orElse(null)));
                }
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot inspect " + ifname + " in " + netns + ": " + e.getMessage(), e);
        }
    }
}
