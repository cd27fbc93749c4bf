// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent;

import dev.porin.agent.api.ApiServer;
import dev.porin.agent.api.CniApi;
import dev.porin.agent.api.ConntrackApi;
import dev.porin.agent.api.EndpointApi;
import dev.porin.agent.api.PolicyApi;
import dev.porin.agent.api.Router;
import dev.porin.agent.api.StatusApi;
import dev.porin.agent.metrics.Metrics;
import dev.porin.agent.metrics.MetricsServer;
import dev.porin.agent.node.CniInstaller;
import dev.porin.agent.observe.Observability;
import dev.porin.agent.node.HostDevice;
import dev.porin.agent.node.KernelPodNetwork;
import dev.porin.agent.policy.PolicyManager;
import dev.porin.agent.policy.PolicyMapStore;
import dev.porin.agent.state.IpamStore;
import dev.porin.api.Version;
import dev.porin.api.v1.StatusModel;
import dev.porin.api.v1.VersionModel;
import dev.porin.cni.CniService;
import dev.porin.datapath.Datapath;
import dev.porin.datapath.DatapathConfig;
import dev.porin.datapath.libbpf.Kernel;
import dev.porin.datapath.maps.PolicyMap;
import dev.porin.datapath.maps.PolicyMaps;
import dev.porin.datapath.sys.Libc;
import dev.porin.endpoint.Endpoint;
import dev.porin.endpoint.EndpointManager;
import dev.porin.endpoint.EndpointStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running node agent. Start-up loads the datapath (adopting pinned maps), restores endpoints, then
 * opens the API and installs the CNI plugin: only a ready agent is ever reachable. Closing it stops the
 * agent and leaves the datapath running, so pods keep their connectivity until the next agent adopts it.
 */
public final class Agent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final AgentConfig config;
    private final FileLock lock;
    private final Datapath datapath;
    private final IpamStore ipam;
    private final EndpointManager endpoints;
    private final PolicyManager policy;
    private final ApiServer api;
    private final ScheduledExecutorService housekeeping;
    private final Map<String, Boolean> features;
    private final Observability observability;
    private final MetricsServer metrics;
    private final Instant started = Instant.now();

    private Agent(AgentConfig config, FileLock lock, Datapath datapath, IpamStore ipam, EndpointManager endpoints,
                  PolicyManager policy, ApiServer api, ScheduledExecutorService housekeeping, Map<String, Boolean> features,
                  Observability observability, MetricsServer metrics) {
        this.config = config;
        this.observability = observability;
        this.metrics = metrics;
        this.lock = lock;
        this.datapath = datapath;
        this.ipam = ipam;
        this.endpoints = endpoints;
        this.policy = policy;
        this.api = api;
        this.housekeeping = housekeeping;
        this.features = features;
    }

    public static Agent start(AgentConfig config) {
        FileLock lock = lockStateDir(config);
        Datapath datapath = null;
        Observability observability = null;
        MetricsServer metricsServer = null;
        try {
            Map<String, Boolean> features = Kernel.features();
            LOG.atInfo().addKeyValue("version", Version.current()).addKeyValue("kernel", Kernel.release())
                    .addKeyValue("podCIDR", config.podCidr()).addKeyValue("stateDir", config.stateDir())
                    .log("Starting porin agent");
            datapath = Datapath.load(DatapathConfig.DEFAULTS.withTraceMode(config.observe().traceMode()),
                    config.bpfRoot(), config.ctMaxEntries(), config.policyMapMaxEntries());
            IpamStore ipam = IpamStore.open(config.stateDir().resolve("ipam.json"), config.podCidr());
            HostDevice.ensure(config.hostDevice(), ipam.router(), config.mtu());
            EndpointManager endpoints = new EndpointManager(new EndpointStore(config.stateDir().resolve("endpoints")),
                    ipam, new KernelPodNetwork(datapath), datapath.endpoints(), datapath.endpointStats(),
                    datapath.conntrack(), config.mtu(), Clock.systemUTC());
            PolicyManager policy = new PolicyManager(endpoints, config.stateDir(), policyMaps(datapath.policyMaps()),
                    datapath.ipcache(), datapath.nodeConfig(), HostDevice.hostAddresses(ipam.router()),
                    config.policyAuditMode());
            policy.start();
            endpoints.observer(policy);
            endpoints.restore();
            policy.restored();
            Metrics metrics = new Metrics();
            observability = Observability.start(config.observe(), datapath, policy.flowContext(),
                    metrics.flows());
            metrics.watch(datapath, endpoints, policy, observability);

            Agent[] self = new Agent[1];
            Router router = new Router(metrics.api());
            new StatusApi(() -> self[0].status(), new VersionModel(Version.current(), Runtime.version().toString(),
                    Kernel.release())).register(router);
            new EndpointApi(endpoints, policy).register(router);
            new PolicyApi(policy).register(router);
            new ConntrackApi(datapath.conntrack()).register(router);
            new CniApi(new CniService(endpoints, ipam, config.mtu())).register(router);
            observability.register(router);
            InetSocketAddress prometheus = config.observe().prometheusAddress();
            if (prometheus != null) {
                metricsServer = MetricsServer.start(prometheus, metrics.registry());
            }
            ApiServer api = ApiServer.start(config.socket(), router);

            ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("porin-housekeeping").daemon().factory());
            self[0] = new Agent(config, lock, datapath, ipam, endpoints, policy, api, housekeeping, features, observability,
                    metricsServer);
            self[0].scheduleConntrackGc();
            CniInstaller.install(config);
            LOG.atInfo().addKeyValue("socket", config.socket()).addKeyValue("endpoints", endpoints.list().size())
                    .log("Agent ready");
            return self[0];
        } catch (RuntimeException e) {
            if (metricsServer != null) {
                metricsServer.close();
            }
            if (observability != null) {
                observability.close();
            }
            if (datapath != null) {
                datapath.close();
            }
            release(lock);
            throw e;
        }
    }

    private void scheduleConntrackGc() {
        long every = config.ctGcInterval().toMillis();
        housekeeping.scheduleWithFixedDelay(() -> {
            try {
                int n = datapath.conntrack().collectGarbage(Libc.monotonicSeconds());
                if (n > 0) {
                    LOG.atDebug().addKeyValue("deleted", n).log("Conntrack garbage collected");
                }
            } catch (RuntimeException e) {
                LOG.atWarn().setCause(e).log("Conntrack garbage collection failed");
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** The datapath's policy maps, as the policy layer sees them. */
    private static PolicyMapStore policyMaps(PolicyMaps maps) {
        return new PolicyMapStore() {
            @Override
            public PolicyMap forEndpoint(int endpoint) {
                return maps.forEndpoint(endpoint);
            }

            @Override
            public void remove(int endpoint) {
                maps.remove(endpoint);
            }

            @Override
            public java.util.Set<Integer> endpoints() {
                return maps.endpoints();
            }

            @Override
            public int maxEntries() {
                return maps.innerMaxEntries();
            }
        };
    }

    StatusModel status() {
        Map<String, Integer> byState = new TreeMap<>();
        List<Endpoint> all = endpoints.list();
        all.forEach(ep -> byState.merge(ep.state().wireName(), 1, Integer::sum));
        List<StatusModel.MapFill> maps = datapath.maps().stream()
                .map(m -> new StatusModel.MapFill(m.name(), m.count(), m.maxEntries()))
                .toList();
        return new StatusModel(
                Version.current(),
                Duration.between(started, Instant.now()).toSeconds(),
                new StatusModel.Kernel(Kernel.release(), features),
                new StatusModel.Datapath("Ok", "tc (clsact)", datapath.pinRoot().toString(), datapath.programs()),
                new StatusModel.Ipam(ipam.cidr().toString(), ipam.router().getHostAddress(), ipam.allocated(),
                        ipam.capacity()),
                new StatusModel.Endpoints(all.size(), byState),
                maps,
                new StatusModel.Cni(config.cniPlugin().toString(), config.cniConfFile().toString(), config.cniNetwork()),
                new StatusModel.Api(api.socket().toString()),
                policy.read(() -> new StatusModel.Policy(policy.engine().policies().size(), policy.engine().revision(),
                        policy.engine().identities().size(), policy.policyMapMaxEntries(), policy.policyMapOverflows(),
                        policy.isolatedEndpoints())),
                observability.status(metrics == null ? null : metrics.address()));
    }

    public EndpointManager endpoints() {
        return endpoints;
    }

    /** Stops the agent. The datapath, its pins and the pods' plumbing stay as they are. */
    @Override
    public void close() {
        LOG.info("Stopping porin agent; the datapath keeps forwarding");
        api.close();
        if (metrics != null) {
            metrics.close();
        }
        observability.close();
        housekeeping.shutdownNow();
        datapath.close();
        release(lock);
    }

    /**
     * One agent per state directory: a second one would hand out the same addresses. The lock dies with
     * the process, so a crashed agent never blocks the next one.
     */
    static FileLock lockStateDir(AgentConfig config) {
        try {
            Files.createDirectories(config.stateDir());
            FileChannel ch = FileChannel.open(config.stateDir().resolve("agent.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                ch.close();
                throw new IllegalStateException("another porin agent is running with state directory "
                        + config.stateDir());
            }
            return lock;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + config.stateDir(), e);
        }
    }

    static void release(FileLock lock) {
        try {
            lock.release();
            lock.channel().close();
        } catch (IOException e) {
            LOG.atWarn().setCause(e).log("Cannot release the state directory lock");
        }
    }
}
