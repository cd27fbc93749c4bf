// SPDX-License-Identifier: Apache-2.0
package dev.porin.testing;

import dev.porin.endpoint.EndpointException;
import dev.porin.endpoint.PodNetwork;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Pod plumbing in memory: host links by name, pod interfaces by namespace and name. It records what it
 * was asked to do, can be told to fail, and lets a test change the "kernel" behind the agent's back.
 */
public final class FakePodNetwork implements PodNetwork {

    private record PodKey(String netns, String ifname) {
    }

    private final Map<String, HostLink> links = new HashMap<>();
    private final Map<String, PodKey> podOfLink = new HashMap<>();
    private final Map<PodKey, PodInterface> pods = new HashMap<>();
    private final Set<String> missingNetns = new HashSet<>();
    private final List<PodSpec> plumbed = new ArrayList<>();
    private final List<String> unplumbed = new ArrayList<>();
    private final List<HostLink> restored = new ArrayList<>();
    private RuntimeException nextPlumbFailure;
    private RuntimeException unplumbFailure;
    private int nextIfindex = 10;

    @Override
    public synchronized HostLink plumb(PodSpec spec) {
        if (nextPlumbFailure != null) {
            RuntimeException e = nextPlumbFailure;
            nextPlumbFailure = null;
            throw e;
        }
        if (missingNetns.contains(spec.netns())) {
            throw new EndpointException(EndpointException.Kind.NETNS_NOT_FOUND,
                    "network namespace " + spec.netns() + " does not exist");
        }
        PodKey pod = new PodKey(spec.netns(), spec.ifname());
        if (pods.containsKey(pod)) {
            throw new EndpointException(EndpointException.Kind.INTERFACE_EXISTS,
                    "interface " + spec.ifname() + " already exists in " + spec.netns());
        }
        plumbed.add(spec);
        HostLink link = new HostLink(spec.hostIfname(), nextIfindex++, spec.hostMac(), true);
        links.put(link.name(), link);
        podOfLink.put(link.name(), pod);
        pods.put(pod, new PodInterface(spec.ifname(), spec.podMac(), true,
                List.of(spec.address().getHostAddress() + "/32"), spec.router()));
        return link;
    }

    @Override
    public synchronized boolean unplumb(String hostIfname) {
        unplumbed.add(hostIfname);
        if (unplumbFailure != null) {
            throw unplumbFailure;
        }
        return removeLink(hostIfname);
    }

    @Override
    public synchronized Optional<HostLink> hostLink(String hostIfname) {
        return Optional.ofNullable(links.get(hostIfname));
    }

    @Override
    public synchronized void restore(HostLink link, Inet4Address address, Inet4Address router) {
        restored.add(link);
        links.put(link.name(), new HostLink(link.name(), link.ifindex(), link.mac(), true));
    }

    @Override
    public synchronized Optional<PodInterface> inspect(String netns, String ifname) {
        return Optional.ofNullable(pods.get(new PodKey(netns, ifname)));
    }

    /** The next {@link #plumb} throws {@code e} and creates nothing. */
    public synchronized void failNextPlumb(RuntimeException e) {
        nextPlumbFailure = e;
    }

    /** Every {@link #unplumb} from now on throws {@code e}. */
    public synchronized void failUnplumb(RuntimeException e) {
        unplumbFailure = e;
    }

    /** The namespace is gone (or never existed). */
    public synchronized void removeNetns(String netns) {
        missingNetns.add(netns);
    }

    /** The host link vanishes without the agent's doing, as when the pod's namespace is destroyed. */
    public synchronized void deleteLink(String hostIfname) {
        removeLink(hostIfname);
    }

    /** A veth left behind, e.g. by an agent that died while plumbing. */
    public synchronized void addLeftoverLink(String hostIfname) {
        links.put(hostIfname, new HostLink(hostIfname, nextIfindex++, null, false));
    }

    /** The datapath programs come off the host link. */
    public synchronized void detach(String hostIfname) {
        HostLink l = links.get(hostIfname);
        links.put(hostIfname, new HostLink(l.name(), l.ifindex(), l.mac(), false));
    }

    /** Changes the pod's interface as something inside the pod might. */
    public synchronized void changePodInterface(String netns, String ifname, UnaryOperator<PodInterface> change) {
        pods.computeIfPresent(new PodKey(netns, ifname), (k, v) -> change.apply(v));
    }

    public synchronized List<PodSpec> plumbed() {
        return List.copyOf(plumbed);
    }

    public synchronized List<String> unplumbed() {
        return List.copyOf(unplumbed);
    }

    public synchronized List<HostLink> restored() {
        return List.copyOf(restored);
    }

    public synchronized Set<String> linkNames() {
        return Set.copyOf(links.keySet());
    }

    private boolean removeLink(String hostIfname) {
        PodKey pod = podOfLink.remove(hostIfname);
        if (pod != null) {
            pods.remove(pod);
        }
        return links.remove(hostIfname) != null;
    }
}
