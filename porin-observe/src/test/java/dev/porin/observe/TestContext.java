// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import dev.porin.labels.Labels;
import dev.porin.policy.api.Direction;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What a node knows, filled in by a test: pods by address, identities, the rules behind cookies, default deny. */
final class TestContext implements FlowContext {

    private final Map<Integer, FlowEndpoint> pods = new HashMap<>();
    private final Map<Integer, FlowEndpoint> identities = new HashMap<>();
    private final Map<Integer, List<PolicyCause>> cookies = new HashMap<>();
    private final Map<String, List<PolicyCause>> defaultDeny = new HashMap<>();
    private long revision;

    /** The fixtures' node: web, db and dev pods, world and host. */
    static TestContext node() {
        return new TestContext()
                .pod(Fixtures.WEB_IP, Fixtures.WEB)
                .pod(Fixtures.DB_IP, Fixtures.DB)
                .pod(Fixtures.DEV_IP, Fixtures.DEV)
                .identity(Fixtures.WORLD_EP)
                .identity(Fixtures.HOST_EP);
    }

    TestContext pod(String ip, FlowEndpoint pod) {
        pods.put(Fixtures.ip(ip), pod);
        identities.put(pod.identity(), FlowEndpoint.ofIdentity(pod.identity(), pod.labels()));
        return this;
    }

    TestContext identity(FlowEndpoint identity) {
        identities.put(identity.identity(), identity);
        return this;
    }

    TestContext cookie(int cookie, PolicyCause... rules) {
        cookies.put(cookie, List.of(rules));
        return this;
    }

    TestContext defaultDeny(int endpoint, Direction direction, PolicyCause... policies) {
        defaultDeny.put(endpoint + "/" + direction, List.of(policies));
        return this;
    }

    TestContext revision(long revision) {
        this.revision = revision;
        return this;
    }

    @Override
    public FlowEndpoint endpointByIp(int ipv4) {
        return pods.get(ipv4);
    }

    @Override
    public FlowEndpoint identity(int identity) {
        return identities.getOrDefault(identity, FlowEndpoint.ofIdentity(identity, Labels.EMPTY));
    }

    @Override
    public List<PolicyCause> rules(int cookie) {
        return cookies.getOrDefault(cookie, List.of());
    }

    @Override
    public List<PolicyCause> defaultDeny(int endpoint, Direction direction) {
        return defaultDeny.getOrDefault(endpoint + "/" + direction, List.of());
    }

    @Override
    public long policyRevision() {
        return revision;
    }
}
