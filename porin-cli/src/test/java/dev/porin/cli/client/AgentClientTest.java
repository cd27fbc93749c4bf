// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.client;

import dev.porin.api.v1.VersionModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentClientTest {

    @TempDir
    Path dir;

    /** An agent that answers one request with a canned response, then hangs up. */
    private static final class OneShotAgent implements AutoCloseable {
        private final ServerSocketChannel server;
        private final CompletableFuture<String> request = new CompletableFuture<>();

        OneShotAgent(Path socket, String response) throws IOException {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread.ofVirtual().start(() -> {
                try (SocketChannel ch = server.accept()) {
                    request.complete(readRequest(ch));
                    ch.write(ByteBuffer.wrap(response.getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    request.completeExceptionally(e);
                }
            });
        }

        /** What the client sent, head and body. */
        String request() throws Exception {
            return request.get(5, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }

        private static String readRequest(SocketChannel ch) throws IOException {
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            ByteBuffer b = ByteBuffer.allocate(4096);
            int bodyStart = -1;
            int length = 0;
            while (bodyStart < 0 || in.size() < bodyStart + length) {
                if (ch.read(b.clear()) < 0) {
                    throw new IOException("client closed early");
                }
                in.write(b.array(), 0, b.position());
                String text = in.toString(StandardCharsets.UTF_8);
                int headEnd = text.indexOf("\r\n\r\n");
                if (bodyStart < 0 && headEnd >= 0) {
                    bodyStart = headEnd + 4;
                    for (String line : text.substring(0, headEnd).split("\r\n")) {
                        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                            length = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                }
            }
            return in.toString(StandardCharsets.UTF_8);
        }
    }

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
}
