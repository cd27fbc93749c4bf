// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent;

import dev.porin.net.Ipv4Prefix;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;

/** The agent's flags, shared by {@code porin agent} and {@code porin cleanup} (which must find what the agent made). */
final class AgentOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--config-file", description = "YAML or JSON file with flag values, keyed by flag name.")
    Path configFile;

    @Option(names = "--state-dir", description = "Where state that survives restarts lives (default: ${DEFAULT-VALUE}).")
    Path stateDir = AgentConfig.defaults().stateDir();

    @Option(names = "--socket", description = "The API's Unix socket (default: ${DEFAULT-VALUE}).")
    Path socket = AgentConfig.defaults().socket();

    @Option(names = "--bpf-root", description = "bpffs directory for pinned maps and programs (default: ${DEFAULT-VALUE}).")
    Path bpfRoot = AgentConfig.defaults().bpfRoot();

    @Option(names = "--cni-bin-dir", description = "Where to install porin-cni (default: ${DEFAULT-VALUE}).")
    Path cniBinDir = AgentConfig.defaults().cniBinDir();

    @Option(names = "--cni-conf-dir", description = "Where to write the CNI network config (default: ${DEFAULT-VALUE}).")
    Path cniConfDir = AgentConfig.defaults().cniConfDir();

    @Option(names = "--cni-network", description = "CNI network name (default: ${DEFAULT-VALUE}).")
    String cniNetwork = AgentConfig.defaults().cniNetwork();

    @Option(names = "--pod-cidr", description = "The node's pod CIDR (default: ${DEFAULT-VALUE}).")
    String podCidr = AgentConfig.defaults().podCidr().toString();

    @Option(names = "--host-device", description = "Host device holding the pods' gateway (default: ${DEFAULT-VALUE}).")
    String hostDevice = AgentConfig.defaults().hostDevice();

    @Option(names = "--mtu", description = "MTU of pod interfaces (default: ${DEFAULT-VALUE}).")
    int mtu = AgentConfig.defaults().mtu();

    @Option(names = "--bpf-ct-max", description = "Conntrack table size (default: ${DEFAULT-VALUE}).")
    int ctMax = AgentConfig.defaults().ctMaxEntries();

    @Option(names = "--ct-gc-interval", description = "Seconds between conntrack garbage collections (default: ${DEFAULT-VALUE}).")
    long ctGcSeconds = AgentConfig.defaults().ctGcInterval().toSeconds();

    @Option(names = "--bpf-policy-map-max", description = "Policy map entries per endpoint (default: ${DEFAULT-VALUE}).")
    int policyMapMax = AgentConfig.defaults().policyMapMaxEntries();

    @Option(names = "--policy-audit-mode", description = "Report policy drops but forward the packets, on every endpoint.")
    boolean policyAuditMode = AgentConfig.defaults().policyAuditMode();

    @Option(names = "--hubble-listen-address",
            description = "host:port of the Hubble-compatible Observer API; empty turns it off (default: ${DEFAULT-VALUE}).")
    String hubbleListenAddress = ObserveConfig.DEFAULTS.hubbleListenAddress();

    @Option(names = "--hubble-flow-buffer-size", description = "Flows kept in memory (default: ${DEFAULT-VALUE}).")
    int flowBufferSize = ObserveConfig.DEFAULTS.flowBufferSize();

    @Option(names = "--prometheus-serve-addr",
            description = "host:port of the Prometheus metrics endpoint; empty turns it off (default: ${DEFAULT-VALUE}).")
    String prometheusServeAddr = ObserveConfig.DEFAULTS.prometheusServeAddr();

    @Option(names = "--monitor-aggregation", description = "Forwarded packets reported: none (every packet), "
            + "low/medium/maximum (per connection), off (default: ${DEFAULT-VALUE}).")
    String monitorAggregation = ObserveConfig.DEFAULTS.monitorAggregation();

    @Option(names = "--node-name", description = "This node's name in flows (default: ${DEFAULT-VALUE}).")
    String nodeName = ObserveConfig.DEFAULTS.nodeName();

    AgentConfig config() {
        try {
            return new AgentConfig(stateDir, socket, bpfRoot, cniBinDir, cniConfDir, cniNetwork, Ipv4Prefix.parse(podCidr),
                    hostDevice, mtu, ctMax, Duration.ofSeconds(ctGcSeconds), policyMapMax, policyAuditMode,
                    new ObserveConfig(hubbleListenAddress, flowBufferSize, prometheusServeAddr, monitorAggregation,
                            nodeName));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

}
