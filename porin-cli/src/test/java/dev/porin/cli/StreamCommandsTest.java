// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli;

import dev.porin.cli.client.OneShotAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code porin observe} and {@code porin monitor} against an agent socket that streams canned answers. */
class StreamCommandsTest {

    private static final String FLOW = "{\"flow\":{\"time\":\"2025-03-04T10:20:30.250Z\",\"verdict\":\"DROPPED\","
            + "\"IP\":{\"source\":\"10.202.7.13\",\"destination\":\"10.202.7.12\",\"ipVersion\":\"IPv4\"},"
            + "\"l4\":{\"TCP\":{\"source_port\":39000,\"destination_port\":8080,\"flags\":{\"SYN\":true}}},"
            + "\"source\":{\"identity\":302,\"namespace\":\"default\",\"pod_name\":\"intruder\"},"
            + "\"destination\":{\"identity\":301,\"namespace\":\"default\",\"pod_name\":\"server\"},"
            + "\"event_type\":{\"type\":1,\"sub_type\":133},\"Summary\":\"TCP Flags: SYN\","
            + "\"ingress_denied_by\":[{\"name\":\"client-to-server\",\"namespace\":\"default\","
            + "\"labels\":[\"porin:rule=default-deny\"],\"kind\":\"CiliumNetworkPolicy\"}],"
            + "\"some_future_field\":true},\"node_name\":\"node-1\",\"time\":\"2025-03-04T10:20:30.250Z\"}";
    private static final String DROP_EVENT = "{\"type\":\"drop\",\"time\":\"2025-03-04T10:20:30.250Z\",\"hash\":\"0x1a\","
            + "\"source\":1202,\"dstEndpoint\":1202,\"srcIdentity\":2,\"dstIdentity\":301,\"ifindex\":14,\"reason\":133,"
            + "\"reasonText\":\"Policy denied\",\"direction\":\"ingress\",\"summary\":\"1.1.1.1:39000 -> 10.202.7.12:8080 tcp SYN\","
            + "\"policies\":[\"default/client-to-server (CiliumNetworkPolicy) default deny\"]}";

    @TempDir
    Path dir;

    private String run(Object command, String... args) {
        StringWriter out = new StringWriter();
        CommandLine cmd = new CommandLine(command).setOut(new PrintWriter(out));
        cmd.setExecutionExceptionHandler((e, line, parsed) -> {
            throw e;
        });
        cmd.execute(args);
        return out.toString();
    }

    @Test
    void observePostsTheRequestAndPrintsEachFlow() throws Exception {
        Path socket = dir.resolve("porin.sock");
        try (OneShotAgent agent = OneShotAgent.streaming(socket, FLOW)) {

            String out = run(new ObserveCommand(), "-H", socket.toString(), "--last", "50", "--verdict", "DROPPED");

            assertThat(out).isEqualTo("Mar  4 10:20:30.250: default/intruder:39000 (ID:302) <> default/server:8080 (ID:301)"
                    + " Policy denied DROPPED (TCP Flags: SYN) by default deny of default/client-to-server (CiliumNetworkPolicy)\n");
            assertThat(agent.request()).startsWith("POST /v1/flows HTTP/1.1\r\n")
                    .endsWith("\r\n\r\n{\"number\":\"50\",\"whitelist\":[{\"verdict\":[\"DROPPED\"]}]}");
        }
    }

    @Test
    void monitorSaysItListensThenPrintsEachEvent() throws Exception {
        Path socket = dir.resolve("porin.sock");
        try (OneShotAgent agent = OneShotAgent.streaming(socket, DROP_EVENT)) {

            String out = run(new MonitorCommand(), "-H", socket.toString(), "--type", "drop", "-t", "trace", "--related-to", "1202");

            assertThat(out).isEqualTo("""
                    Listening for events on the datapath...
                    Press Ctrl-C to quit
                    xx drop (Policy denied) flow 0x1a to endpoint 1202, ifindex 14, file bpf_lxc.c:0, , identity world->301: \
                    1.1.1.1:39000 -> 10.202.7.12:8080 tcp SYN by default/client-to-server (CiliumNetworkPolicy) default deny
                    """);
            assertThat(agent.request()).startsWith("GET /v1/monitor?type=drop&type=trace&related-to=1202 HTTP/1.1\r\n");
        }
    }

    @Test
    void monitorJsonPrintsTheEventsAsTheyCome() throws Exception {
        Path socket = dir.resolve("porin.sock");
        try (var _ = OneShotAgent.streaming(socket, DROP_EVENT)) {

            assertThat(run(new MonitorCommand(), "-H", socket.toString(), "-o", "json")).isEqualTo(DROP_EVENT + "\n");
        }
    }

    @Test
    void monitorRefusesAnUnknownTypeNamingTheFlag() {
        MonitorCommand cmd = new MonitorCommand();
        new CommandLine(cmd).parseArgs("--type", "drops");

        assertThatThrownBy(cmd::path).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--type: unknown event type 'drops' (expected drop, trace or policy-verdict)");
    }
}
