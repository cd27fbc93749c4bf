// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli;

import dev.porin.api.v1.StatusModel;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StatusRenderTest {

    private static StatusModel status(Map<String, Boolean> features, Map<String, Integer> byState) {
        return new StatusModel("0.1.0", 3725,
                new StatusModel.Kernel("6.8.0-45-generic", features),
                new StatusModel.Datapath("Ok", "tc (clsact)", "/sys/fs/bpf/porin", List.of("from-container", "to-container")),
                new StatusModel.Ipam("10.200.0.0/24", "10.200.0.1", 2, 253),
                new StatusModel.Endpoints(byState.values().stream().mapToInt(Integer::intValue).sum(), byState),
                List.of(new StatusModel.MapFill("porin_lxc", 2, 65535), new StatusModel.MapFill("porin_ct4", 131072, 262144)),
                new StatusModel.Cni("/opt/cni/bin/porin-cni", "/etc/cni/net.d/05-porin.conflist", "porin"),
                new StatusModel.Api("/var/run/porin/porin.sock"),
                new StatusModel.Policy(3, 12, 11, 16384, Map.of(), List.of()),
                new StatusModel.Observability("127.0.0.1:4245", "127.0.0.1:9962", 2204, 4095, 9000, 6.8, 9100, 0));
    }

    private static Map<String, Boolean> features() {
        Map<String, Boolean> f = new LinkedHashMap<>();
        f.put("bpf_loop", true);
        f.put("tcx", false);
        f.put("ringbuf", true);
        return f;
    }

    @Test
    void printsOneAlignedLinePerSubsystem() {
        assertThat(StatusCommand.render(status(features(), Map.of("ready", 2)))).isEqualTo("""
                Porin:                   Ok   0.1.0 (up 1h2m5s)
                Kernel:                  6.8.0-45-generic
                eBPF features:           bpf_loop, ringbuf   (missing: tcx)
                Datapath:                Ok   tc (clsact), programs from-container, to-container pinned at /sys/fs/bpf/porin
                IPAM:                    IPv4: 2/253 allocated from 10.200.0.0/24, router 10.200.0.1
                Endpoints:               2 (ready 2)
                BPF maps:                porin_lxc 2/65535 (0.0%)
                                         porin_ct4 131072/262144 (50.0%)
                Policy:                  3 policies, revision 12, 11 identities
                CNI:                     /opt/cni/bin/porin-cni, /etc/cni/net.d/05-porin.conflist (network porin)
                Hubble:                  Ok   Current/Max Flows: 2204/4095 (53.82%), Flows/s: 6.80   listening on 127.0.0.1:4245
                Metrics:                 Ok   listening on 127.0.0.1:9962
                Events:                  9100 received, 0 lost
                API:                     /var/run/porin/porin.sock
                """);
    }

    @Test
    void observabilityThatIsOffSaysDisabledAndLostEventsSayWhy() {
        StatusModel s = status(features(), Map.of());
        StatusModel off = new StatusModel(s.version(), s.uptimeSeconds(), s.kernel(), s.datapath(), s.ipam(),
                s.endpoints(), s.maps(), s.cni(), s.api(), s.policy(),
                new StatusModel.Observability(null, null, 0, 4095, 0, 0, 120, 7));

        assertThat(StatusCommand.render(off)).contains("""
                Hubble:                  Disabled
                Metrics:                 Disabled
                Events:                  120 received, 7 lost (ring buffer full)
                """);
    }

    @Test
    void whatDidNotFitIsNeverSilent() {
        StatusModel s = status(features(), Map.of());
        StatusModel full = new StatusModel(s.version(), s.uptimeSeconds(), s.kernel(), s.datapath(), s.ipam(),
                s.endpoints(), s.maps(), s.cni(), s.api(),
                new StatusModel.Policy(1, 4, 300, 256, Map.of(7, 44), List.of(9, 12)), s.observability());

        assertThat(StatusCommand.render(full)).contains("""
                Policy:                  1 policies, revision 4, 300 identities
                Policy map full:         endpoint 7: 44 entries not installed (max 256); their traffic is dropped
                Identities exhausted:    endpoints 9, 12 isolated until an identity is free
                """);
    }

    @Test
    void leavesOutWhatIsNotThere() {
        String out = StatusCommand.render(status(Map.of("bpf_loop", true), Map.of()));

        assertThat(out).contains("eBPF features:           bpf_loop\n").contains("Endpoints:               0\n")
                .doesNotContain("missing");
    }

    @Test
    void printsTheSameWhateverTheUsersLocale() {
        Locale saved = Locale.getDefault(Locale.Category.FORMAT);
        try {
            Locale.setDefault(Locale.Category.FORMAT, Locale.GERMANY);
            assertThat(StatusCommand.render(status(features(), Map.of()))).contains("porin_ct4 131072/262144 (50.0%)");
        } finally {
            Locale.setDefault(Locale.Category.FORMAT, saved);
        }
    }
}
