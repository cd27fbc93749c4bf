// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.client;

import dev.porin.api.v1.VersionModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.porin.cli.client.OneShotAgent.CHUNKED_HEAD;
import static dev.porin.cli.client.OneShotAgent.chunk;
import static dev.porin.cli.client.OneShotAgent.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentClientTest {

    @TempDir
    Path dir;

    private static String response(String status, String body) {
        return "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + body;
    }

    @Test
    void decodesAJsonAnswer() throws Exception {
        Path socket = dir.resolve("porin.sock");
        try (OneShotAgent agent = new OneShotAgent(socket, response("200 OK",
                "{\"version\":\"0.1.0\",\"java\":\"25\",\"kernel\":\"6.8.0\"}"))) {

            VersionModel v = new AgentClient(socket).get("/v1/version", VersionModel.class);

            assertThat(v).isEqualTo(new VersionModel("0.1.0", "25", "6.8.0"));
            assertThat(agent.request()).startsWith("GET /v1/version HTTP/1.1\r\n").contains("Connection: close\r\n");
        }
    }

    @Test
    void sendsABodyWithItsLength() throws Exception {
        Path socket = dir.resolve("porin.sock");
        try (OneShotAgent agent = new OneShotAgent(socket, response("200 OK", ""))) {

            new AgentClient(socket).send("POST", "/v1/things", Map.of("name", "é"), Void.class);

            assertThat(agent.request()).startsWith("POST /v1/things HTTP/1.1\r\n")
                    .contains("Content-Type: application/json\r\n", "Content-Length: 13\r\n")
                    .endsWith("\r\n\r\n{\"name\":\"é\"}");
        }
    }

    @Test
    void refusalRaisesTheAgentsMessage() throws Exception {
        Path socket = dir.resolve("porin.sock");
        try (OneShotAgent agent = new OneShotAgent(socket, response("404 Not Found", "{\"error\":\"endpoint 7 not found\"}"))) {

            assertThatThrownBy(() -> new AgentClient(socket).get("/v1/endpoint/7", VersionModel.class))
                    .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.status()).isEqualTo(404))
                    .hasMessage("endpoint 7 not found");
            assertThat(agent.request()).startsWith("GET /v1/endpoint/7 HTTP/1.1\r\n");
        }
    }

    @Test
    void refusalWithoutErrorObjectRaisesTheBodyAsIs() throws Exception {
        Path socket = dir.resolve("porin.sock");
        try (var _ = new OneShotAgent(socket, response("502 Bad Gateway", "upstream went away"))) {

            assertThatThrownBy(() -> new AgentClient(socket).get("/v1/status", VersionModel.class))
                    .isInstanceOf(AgentException.class)
                    .hasMessage("upstream went away");
        }
    }

    @Test
    void missingSocketSaysWhereTheAgentWasExpectedAndHowToStartIt() {
        Path socket = dir.resolve("not-there.sock");

        assertThatThrownBy(() -> new AgentClient(socket).get("/v1/status", VersionModel.class))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.status()).isZero())
                .hasMessageContaining(socket.toString())
                .hasMessageContaining("porin agent");
    }

    @Test
    void socketOfADeadAgentSaysTheSame() throws Exception {
        Path socket = dir.resolve("porin.sock");
        new OneShotAgent(socket, "").close();

        assertThatThrownBy(() -> new AgentClient(socket).get("/v1/status", VersionModel.class))
                .isInstanceOf(AgentException.class)
                .hasMessageContaining(socket.toString())
                .hasMessageContaining("porin agent");
    }

    @Test
    void decodesAChunkedAnswer() throws Exception {
        Path socket = dir.resolve("porin.sock");
        try (var _ = new OneShotAgent(socket, CHUNKED_HEAD + chunk("{\"flow\":1}\n") + chunk("{\"flow\":2}\n") + "0\r\n\r\n")) {

            byte[] body = new AgentClient(socket).call("POST", "/v1/flows", "{}".getBytes(StandardCharsets.UTF_8));

            assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("{\"flow\":1}\n{\"flow\":2}\n");
        }
    }

    @Test
    void streamHandsOverEachLineAsItArrives() throws Exception {
        Path socket = dir.resolve("porin.sock");
        CountDownLatch firstSeen = new CountDownLatch(1);
        List<String> events = new CopyOnWriteArrayList<>();
        try (var agent = new OneShotAgent(socket, ch -> {
            send(ch, CHUNKED_HEAD + chunk("one\n"));
            boolean seen = firstSeen.await(5, TimeUnit.SECONDS);
            events.add("agent sends two after the client " + (seen ? "saw" : "did not see") + " one");
            send(ch, chunk("tw") + chunk("o\nthree\n") + "0\r\n\r\n");
        })) {

            new AgentClient(socket).stream("GET", "/v1/monitor", null, line -> {
                events.add(line);
                firstSeen.countDown();
                return true;
            });

            assertThat(events).containsExactly("one", "agent sends two after the client saw one", "two", "three");
            assertThat(agent.request()).startsWith("GET /v1/monitor HTTP/1.1\r\n");
        }
    }

    @Test
    void streamEndsWhenTheConsumerSaysStopAndHangsUp() throws Exception {
        Path socket = dir.resolve("porin.sock");
        CompletableFuture<Integer> afterStop = new CompletableFuture<>();
        List<String> lines = new ArrayList<>();
        try (var _ = new OneShotAgent(socket, ch -> {
            send(ch, CHUNKED_HEAD + chunk("one\ntwo\n"));
            afterStop.complete(ch.read(ByteBuffer.allocate(16))); // a follow stream never ends by itself
        })) {

            new AgentClient(socket).stream("POST", "/v1/flows", "{}".getBytes(StandardCharsets.UTF_8), line -> {
                lines.add(line);
                return false;
            });

            assertThat(lines).containsExactly("one");
            assertThat(afterStop.get(5, TimeUnit.SECONDS)).as("the agent sees the connection closed").isEqualTo(-1);
        }
    }

    @Test
    void streamReadsALengthDelimitedAnswerToo() throws Exception {
        Path socket = dir.resolve("porin.sock");
        List<String> lines = new ArrayList<>();
        try (var _ = new OneShotAgent(socket, response("200 OK", "{\"a\":1}\r\n{\"b\":\"é\"}"))) {

            new AgentClient(socket).stream("GET", "/v1/monitor", null, lines::add);

            assertThat(lines).containsExactly("{\"a\":1}", "{\"b\":\"é\"}");
        }
    }

    @Test
    void streamRefusalRaisesTheAgentsMessage() throws Exception {
        Path socket = dir.resolve("porin.sock");
        try (var _ = new OneShotAgent(socket, response("400 Bad Request",
                "{\"error\":\"source_ip: 'x' is not an IP address or CIDR\"}"))) {

            assertThatThrownBy(() -> new AgentClient(socket).stream("POST", "/v1/flows", new byte[0], line -> true))
                    .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.status()).isEqualTo(400))
                    .hasMessage("source_ip: 'x' is not an IP address or CIDR");
        }
    }

    @Test
    void anAgentThatHangsUpMidStreamIsReportedAsALostConnection() throws Exception {
        Path socket = dir.resolve("porin.sock");
        try (var _ = new OneShotAgent(socket, ch -> send(ch, CHUNKED_HEAD + "10\r\nhalf"))) {

            assertThatThrownBy(() -> new AgentClient(socket).stream("GET", "/v1/monitor", null, line -> true))
                    .isInstanceOf(AgentException.class)
                    .hasMessageContaining("lost the connection to the porin agent at " + socket);
        }
    }

    @Test
    void anAgentThatHangsUpWithoutAnsweringSaysSo() throws Exception {
        Path socket = dir.resolve("porin.sock");
        try (var _ = new OneShotAgent(socket, ch -> { })) {

            assertThatThrownBy(() -> new AgentClient(socket).get("/v1/status", VersionModel.class))
                    .isInstanceOf(AgentException.class)
                    .hasMessage("the porin agent at " + socket + " closed the connection without answering");
        }
    }

    @Test
    void anAnswerThatIsNotHttpIsMalformed() throws Exception {
        Path socket = dir.resolve("porin.sock");
        try (var _ = new OneShotAgent(socket, "hello\r\n\r\n")) {

            assertThatThrownBy(() -> new AgentClient(socket).get("/v1/status", VersionModel.class))
                    .isInstanceOf(AgentException.class)
                    .hasMessage("malformed answer from the agent at " + socket + ": status line 'hello'");
        }
    }
}
