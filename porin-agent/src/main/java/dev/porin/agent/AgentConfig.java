// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent;

import dev.porin.net.Ipv4Prefix;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the agent can be told. Defaults suit a node on its own; each value can be set by a flag of
 * the same name or in the config file.
 */
public record AgentConfig(
        Path stateDir,
        Path socket,
        Path bpfRoot,
        Path cniBinDir,
        Path cniConfDir,
        String cniNetwork,
        Ipv4Prefix podCidr,
        String hostDevice,
        int mtu,
        int ctMaxEntries,
        Duration ctGcInterval,
        int policyMapMaxEntries,
        boolean policyAuditMode,
        ObserveConfig observe) {

    public static final Path DEFAULT_SOCKET = Path.of("/var/run/porin/porin.sock");

    public static AgentConfig defaults() {
        return new AgentConfig(
                Path.of("/var/lib/porin"),
                DEFAULT_SOCKET,
                Path.of("/sys/fs/bpf/porin"),
                Path.of("/opt/cni/bin"),
                Path.of("/etc/cni/net.d"),
                "porin",
                Ipv4Prefix.parse("10.200.0.0/16"),
                "porin_host",
                1500,
                262144,
                Duration.ofSeconds(60),
                16384,
                false,
                ObserveConfig.DEFAULTS);
    }

    public AgentConfig {
        if (mtu < 576 || mtu > 65535) {
            throw new IllegalArgumentException("mtu: must be between 576 and 65535, not " + mtu);
        }
        if (ctMaxEntries < 1024) {
            throw new IllegalArgumentException("bpf-ct-max: must be at least 1024, not " + ctMaxEntries);
        }
        if (!hostDevice.matches("[A-Za-z0-9_.\\-]{1,10}")) {
            throw new IllegalArgumentException("host-device: must be 1 to 10 letters, digits, '_', '.' or '-', not '"
                    + hostDevice + "' (its veth peer adds '_peer')");
        }
        if (podCidr.length() > 30) {
            throw new IllegalArgumentException("pod-cidr: " + podCidr + " leaves no room for pods");
        }
        if (!cniNetwork.matches("[A-Za-z0-9][A-Za-z0-9_.\\-]*")) {
            throw new IllegalArgumentException("cni-network: '" + cniNetwork + "' is not a valid CNI network name");
        }
        if (policyMapMaxEntries < 256 || policyMapMaxEntries > 1 << 20) {
            throw new IllegalArgumentException("bpf-policy-map-max: must be between 256 and 1048576, not " + policyMapMaxEntries);
        }
        if (ctGcInterval.isNegative() || ctGcInterval.isZero()) {
            throw new IllegalArgumentException("ct-gc-interval: must be positive");
        }
    }

    /** The conflist the agent writes into the CNI configuration directory. */
    public Path cniConfFile() {
        return cniConfDir.resolve("05-" + cniNetwork + ".conflist");
    }

    public Path cniPlugin() {
        return cniBinDir.resolve("porin-cni");
    }
}
