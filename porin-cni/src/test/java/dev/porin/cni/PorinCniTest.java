// SPDX-License-Identifier: Apache-2.0
package dev.porin.cni;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.StandardProtocolFamily;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs the compiled porin-cni against a fake agent and checks the wire protocol and its error objects. */
class PorinCniTest {

    private static final Path SHIM = locateShim();
    private static final String DEFAULT_SOCKET = "/var/run/porin/porin.sock";
    private static final String OK_RESULT = "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"eth0\"}],"
            + "\"ips\":[{\"address\":\"10.0.0.7/24\",\"interface\":0}],\"dns\":{}}";

    @TempDir
    Path dir;

    record Run(int exit, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, UTF_8);
        }
    }

    // ---- forwarding ----

    @Test
    void addIsForwardedWithAllHeadersAndTheExactBody() throws Exception {
        try (FakeAgent agent = FakeAgent.start(socket(), FakeAgent.respond(200, OK_RESULT))) {
            String conf = conf(agent, "1.0.0");
            Run run = run(addEnv(), conf);

            assertThat(run.exit()).isZero();
            assertThat(agent.onlyRequest()).isEqualTo("POST /v1/cni HTTP/1.1\r\n"
                    + "Host: porin\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Content-Length: " + conf.getBytes(UTF_8).length + "\r\n"
                    + "Connection: close\r\n"
                    + "Cni-Command: ADD\r\n"
                    + "Cni-Containerid: 5e3f0c1a9b\r\n"
                    + "Cni-Netns: /var/run/netns/cni-7d2c\r\n"
                    + "Cni-Ifname: eth0\r\n"
                    + "Cni-Args: IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0\r\n"
                    + "Cni-Path: /opt/cni/bin\r\n"
                    + "\r\n"
                    + new String(conf.getBytes(UTF_8), ISO_8859_1));
        }
    }

    @Test
    void headerValuesArePercentEncoded() throws Exception {
        try (FakeAgent agent = FakeAgent.start(socket(), FakeAgent.respond(200, OK_RESULT))) {
            Map<String, String> env = addEnv();
            env.put("CNI_CONTAINERID", "id%20\tx");
            env.put("CNI_NETNS", "/var/run/netns/a b:c");
            env.remove("CNI_ARGS");
            // Bytes a Java String cannot put in the environment portably, whatever the JVM's encoding.
            String script = "CNI_ARGS=$(printf 'a=caf\\303\\251\\001\\n\\177%%~ z'); export CNI_ARGS; exec \"$0\"";
            Run run = run(List.of("/bin/sh", "-c", script, SHIM.toString()), env, conf(agent, "1.0.0").getBytes(UTF_8));

            assertThat(run.exit()).isZero();
            assertThat(agent.onlyRequest())
                    .contains("\r\nCni-Containerid: id%2520%09x\r\n")
                    .contains("\r\nCni-Netns: /var/run/netns/a%20b:c\r\n")
                    .contains("\r\nCni-Args: a=caf%C3%A9%01%0A%7F%25~%20z\r\n");
        }
    }

    @Test
    void setButEmptyVariablesGiveEmptyHeadersAndUnsetOnesGiveNone() throws Exception {
        try (FakeAgent agent = FakeAgent.start(socket(), FakeAgent.respond(200, ""))) {
            Map<String, String> env = env("CNI_COMMAND", "DEL", "CNI_CONTAINERID", "c1", "CNI_NETNS", "",
                    "CNI_ARGS", "");
            Run run = run(env, conf(agent, "1.0.0"));

            assertThat(run.exit()).isZero();
            String request = agent.onlyRequest();
            String header = request.substring(0, request.indexOf("\r\n\r\n") + 2);
            assertThat(header)
                    .contains("\r\nCni-Command: DEL\r\n")
                    .contains("\r\nCni-Containerid: c1\r\n")
                    .contains("\r\nCni-Netns: \r\n")
                    .contains("\r\nCni-Args: \r\n")
                    .doesNotContain("Cni-Ifname")
                    .doesNotContain("Cni-Path");
        }
    }

    @Test
    void largeConfigurationIsForwardedIntact() throws Exception {
        try (FakeAgent agent = FakeAgent.start(socket(), FakeAgent.respond(200, OK_RESULT))) {
            StringBuilder conf = new StringBuilder("{\"cniVersion\":\"1.0.0\",\"socketPath\":\"")
                    .append(agent.path()).append("\",\"blob\":[");
            Random random = new Random(42);
            while (conf.length() < 2 * 1024 * 1024) {
                conf.append('"').append(Long.toHexString(random.nextLong())).append("\",");
            }
            conf.append("\"é\"]}");
            byte[] body = conf.toString().getBytes(UTF_8);
            Run run = run(addEnv(), body);

            assertThat(run.exit()).isZero();
            assertThat(run.out()).isEqualTo(OK_RESULT);
            byte[] request = agent.requests().getFirst();
            assertThat(new String(request, ISO_8859_1)).contains("\r\nContent-Length: " + body.length + "\r\n");
            int start = FakeAgent.indexOf(request, "\r\n\r\n".getBytes(ISO_8859_1)) + 4;
            assertThat(request.length - start).isEqualTo(body.length);
            assertThat(java.util.Arrays.equals(request, start, request.length, body, 0, body.length)).isTrue();
        }
    }

    // ---- answers ----

    @Test
    void okAnswerGoesToStdoutAsIs() throws Exception {
        String result = OK_RESULT + " \u00e9";
        try (FakeAgent agent = FakeAgent.start(socket(), FakeAgent.respond(200, result))) {
            Run run = run(addEnv(), conf(agent, "1.0.0"));

            assertThat(run.exit()).isZero();
            assertThat(run.stdout()).isEqualTo(result.getBytes(UTF_8));
        }
    }

    @Test
    void emptyOkAnswerPrintsNothing() throws Exception {
        try (FakeAgent agent = FakeAgent.start(socket(), FakeAgent.respond(200, ""))) {
            Run run = run(env("CNI_COMMAND", "DEL", "CNI_CONTAINERID", "c1"), conf(agent, "1.0.0"));

            assertThat(run.exit()).isZero();
            assertThat(run.stdout()).isEmpty();
        }
    }

    @Test
    void errorAnswerGoesToStdoutWithExitStatus1() throws Exception {
        String error = "{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"no IPs left in 10.0.0.0/24\"}\n";
        try (FakeAgent agent = FakeAgent.start(socket(), FakeAgent.respond(400, error))) {
            Run run = run(addEnv(), conf(agent, "1.0.0"));

            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.out()).isEqualTo(error);
        }
    }

    @Test
    void largeAnswerIsPrintedIntact() throws Exception {
        byte[] answer = new byte[1024 * 1024];
        new Random(7).nextBytes(answer);
        try (FakeAgent agent = FakeAgent.start(socket(), FakeAgent.respond(200, answer))) {
            Run run = run(addEnv(), conf(agent, "1.0.0"));

            assertThat(run.exit()).isZero();
            assertThat(run.stdout()).isEqualTo(answer);
        }
    }

    @Test
    void earlyAnswerIsUsedEvenIfTheAgentStoppedReading() throws Exception {
        String error = "{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"configuration too large\"}";
        FakeAgent.Handler refuse = (channel, agent) -> {
            agent.record(FakeAgent.readRequest(channel, false));
            FakeAgent.write(channel, FakeAgent.response(413, error.getBytes(UTF_8)));
        };
        try (FakeAgent agent = FakeAgent.start(socket(), refuse)) {
            Run run = run(addEnv(), bigConf(agent));

            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.out()).isEqualTo(error);
        }
    }

    // ---- answered without the agent ----

    @Test
    void versionIsAnsweredWithoutTheAgentInTheRequestedVersion() throws Exception {
        Run run = run(env("CNI_COMMAND", "VERSION"), "{\"cniVersion\":\"1.0.0\",\"socketPath\":\"" + socket() + "\"}");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo(
                "{\"cniVersion\":\"1.0.0\",\"supportedVersions\":[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}\n");
        assertThat(MiniJson.parse(run.out())).isNotNull();
    }

    @Test
    void versionOfAnUnknownSpecIsAnsweredInTheNewest() throws Exception {
        Run run = run(env("CNI_COMMAND", "VERSION"), "{\"cniVersion\":\"9.9.9\"}");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).startsWith("{\"cniVersion\":\"1.1.0\",");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void missingCommandIsCode4(boolean setButEmpty) throws Exception {
        Map<String, String> env = setButEmpty ? env("CNI_COMMAND", "") : env();
        env.put("CNI_CONTAINERID", "c1");
        Run run = run(env, "{\"cniVersion\":\"0.4.0\",\"socketPath\":\"" + socket() + "\"}");

        Map<String, Object> error = errorObject(run, 4);
        assertThat(error).containsEntry("cniVersion", "0.4.0");
        assertThat((String) error.get("msg")).startsWith("CNI_COMMAND is ");
    }

    // ---- agent trouble ----

    @Test
    void absentAgentIsCode11WithTheConfiguredVersion() throws Exception {
        Path socket = socket();
        Run run = run(addEnv(), "{\"cniVersion\":\"0.4.0\",\"socketPath\":\"" + socket + "\"}");

        Map<String, Object> error = errorObject(run, 11);
        assertThat(error).containsEntry("cniVersion", "0.4.0")
                .containsEntry("msg", "porin agent is not reachable at " + socket + ": No such file or directory")
                .containsEntry("details", "start it with \"porin agent\"");
    }

    @Test
    void refusedConnectionIsCode11() throws Exception {
        Path socket = socket();
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists(); // a stale socket file, as a crashed agent leaves
        Run run = run(addEnv(), "{\"cniVersion\":\"1.0.0\",\"socketPath\":\"" + socket + "\"}");

        assertThat((String) errorObject(run, 11).get("msg")).endsWith(socket + ": Connection refused");
    }

    @Test
    void errorObjectsAreEscapedJson() throws Exception {
        String odd = dir.resolve("q\"b\\s\u0001t\té\u007f").toString();
        String conf = "{\"cniVersion\":\"1.0.0\",\"socketPath\":\""
                + odd.replace("\\", "\\\\").replace("\"", "\\\"").replace("\u0001", "\\u0001").replace("\t", "\\t")
                + "\"}";
        Run run = run(addEnv(), conf);

        assertThat(errorObject(run, 11).get("msg"))
                .isEqualTo("porin agent is not reachable at " + odd + ": No such file or directory");
    }

    @Test
    void agentClosingWithoutAnswerIsCode5() throws Exception {
        FakeAgent.Handler hangUp = (channel, agent) -> agent.record(FakeAgent.readRequest(channel, true));
        try (FakeAgent agent = FakeAgent.start(socket(), hangUp)) {
            Run run = run(addEnv(), conf(agent, "1.0.0"));

            assertThat((String) errorObject(run, 5).get("msg")).contains("closed the connection without answering");
            assertThat(agent.requests()).hasSize(1);
        }
    }

    @Test
    void agentHangingUpMidRequestIsCode5() throws Exception {
        FakeAgent.Handler hangUp = (channel, agent) -> agent.record(FakeAgent.readRequest(channel, false));
        try (FakeAgent agent = FakeAgent.start(socket(), hangUp)) {
            // Not killed by SIGPIPE: an error object and exit status 1.
            Run run = run(addEnv(), bigConf(agent));

            assertThat((String) errorObject(run, 5).get("msg")).startsWith("porin agent at " + agent.path());
        }
    }

    @Test
    void truncatedAnswerIsCode5() throws Exception {
        byte[] full = FakeAgent.response(200, OK_RESULT.getBytes(UTF_8));
        byte[] truncated = java.util.Arrays.copyOf(full, full.length - 10);
        try (FakeAgent agent = FakeAgent.start(socket(), FakeAgent.respondRaw(truncated))) {
            Run run = run(addEnv(), conf(agent, "1.0.0"));

            Map<String, Object> error = errorObject(run, 5);
            assertThat(error).containsEntry("cniVersion", "1.0.0");
            assertThat((String) error.get("msg")).contains("truncated");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}extra",
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nContent-Length: -2\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n{}",
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n",
        "HTTP/1.1 200",
        "SSH-2.0-OpenSSH_9.2\r\n\r\n",
        "HTTP/1.1 20x OK\r\nContent-Length: 2\r\n\r\n{}",
        "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n",
    })
    void malformedAnswerIsCode5(String response) throws Exception {
        try (FakeAgent agent = FakeAgent.start(socket(), FakeAgent.respondRaw(response.getBytes(ISO_8859_1)))) {
            Run run = run(addEnv(), conf(agent, "1.0.0"));

            assertThat((String) errorObject(run, 5).get("msg")).startsWith("porin agent at " + agent.path());
        }
    }

    @Test
    void leniencyIsLimitedToWhatHttpAllows() throws Exception {
        String response = "HTTP/1.0 201 Created\ncontent-length:  2 \n\n{}";
        try (FakeAgent agent = FakeAgent.start(socket(), FakeAgent.respondRaw(response.getBytes(ISO_8859_1)))) {
            Run run = run(addEnv(), conf(agent, "1.0.0"));

            // Well-formed, but only 200 is success.
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.out()).isEqualTo("{}");
        }
    }

    // ---- reading the configuration ----

    @Test
    void nestedSocketPathIsIgnored() throws Exception {
        try (FakeAgent agent = FakeAgent.start(socket(), FakeAgent.respond(200, OK_RESULT))) {
            String conf = "{\"cniVersion\":\"1.0.0\",\"plugins\":[{\"socketPath\":\"/nowhere/a.sock\"}],"
                    + "\"socketPath\":\"" + agent.path() + "\","
                    + "\"ipam\":{\"socketPath\":\"/nowhere/b.sock\",\"x\":[\"]}\",{\"socketPath\":1}]},"
                    + "\"n\":[-0.5e+3,1E2,0,true,false,null,{},[]]}";
            Run run = run(addEnv(), conf);

            assertThat(run.exit()).isZero();
            assertThat(agent.requests()).hasSize(1);
        }
    }

    @Test
    void escapedKeysAreDecodedAndTheLastDuplicateWins() throws Exception {
        try (FakeAgent agent = FakeAgent.start(socket(), FakeAgent.respond(200, OK_RESULT))) {
            String conf = "{\"socketPath\":\"/nowhere/a.sock\",\"socket\\u0050ath\":\"" + agent.path() + "\"}";
            Run run = run(addEnv(), conf);

            assertThat(run.exit()).isZero();
            assertThat(agent.requests()).hasSize(1);
        }
    }

    @Test
    void deeplyNestedValuesAreSkipped() throws Exception {
        int depth = 200_000;
        String conf = "{\"deep\":" + "[{\"a\":".repeat(depth) + "1" + "}]".repeat(depth)
                + ",\"cniVersion\":\"0.3.1\",\"socketPath\":\"" + socket() + "\"}";
        Run run = run(addEnv(), conf);

        assertThat(errorObject(run, 11)).containsEntry("cniVersion", "0.3.1");
    }

    @Test
    void longSocketPathIsReached() throws Exception {
        Path deep = Files.createDirectories(dir.resolve("d".repeat(60)).resolve("e".repeat(60))).resolve("porin.sock");
        try (FakeAgent agent = FakeAgent.start(socket(), FakeAgent.respond(200, OK_RESULT))) {
            // The JDK cannot bind a path longer than sun_path, but a bound socket keeps working once renamed.
            Files.move(agent.path(), deep);
            assertThat(deep.toString().length()).isGreaterThan(108);
            Run run = run(addEnv(), "{\"cniVersion\":\"1.0.0\",\"socketPath\":\"" + deep + "\"}");

            assertThat(run.exit()).isZero();
            assertThat(run.out()).isEqualTo(OK_RESULT);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"cniVersion\":\"0.4.0\",\"socketPath\":\"%s\"} x",      // trailing garbage
        "{\"cniVersion\":\"0.4.0\",\"socketPath\":\"%s\",\"a\":[}", // bad nesting
        "{\"cniVersion\":\"0.4.0\",\"socketPath\":\"%s\",\"a\":01}", // bad number
        "{\"cniVersion\":\"0.4.0\",\"socketPath\":\"%s\",",           // truncated
    })
    void malformedConfigurationStillReachesTheAgentItNames(String template) throws Exception {
        try (FakeAgent agent = FakeAgent.start(socket(), FakeAgent.respond(400, "{\"code\":6}"))) {
            String conf = template.formatted(agent.path());
            Run run = run(addEnv(), conf);

            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.out()).isEqualTo("{\"code\":6}");
            String request = agent.onlyRequest();
            assertThat(request.substring(request.indexOf("\r\n\r\n") + 4)).isEqualTo(conf);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"cniVersion\":\"0.4.0\",",                                     // truncated before socketPath
        "[{\"socketPath\":\"/nowhere/x.sock\"}]",                            // not an object
        "{\"cniVersion\":\"0.4.0\",\"socketPath\":\"/nowhere/\\u00e9.sock\"}", // non-ASCII escape: absent
        "",
    })
    void aConfigurationWithoutUsableSocketPathUsesTheDefaultSocket(String conf) throws Exception {
        assumeFalse(Files.exists(Path.of(DEFAULT_SOCKET)), DEFAULT_SOCKET + " exists on this machine");
        Run run = run(addEnv(), conf);

        Map<String, Object> error = errorObject(run, 11);
        assertThat((String) error.get("msg")).startsWith("porin agent is not reachable at " + DEFAULT_SOCKET + ": ");
        assertThat(error).containsEntry("cniVersion", conf.startsWith("{\"cniVersion\"") ? "0.4.0" : "1.1.0");
    }

    // ---- helpers ----

    private Path socket() {
        return dir.resolve("agent.sock");
    }

    private static String conf(FakeAgent agent, String version) {
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"porin\",\"type\":\"porin-cni\",\"socketPath\":\""
                + agent.path() + "\",\"ipam\":{\"subnet\":\"10.0.0.0/24\"}}";
    }

    /** A configuration far larger than a socket buffer, so the shim is still writing when the agent acts. */
    private static String bigConf(FakeAgent agent) {
        return "{\"cniVersion\":\"1.0.0\",\"socketPath\":\"" + agent.path() + "\",\"pad\":\""
                + "x".repeat(4 * 1024 * 1024) + "\"}";
    }

    private static Map<String, String> env(String... keysAndValues) {
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            env.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return env;
    }

    private static Map<String, String> addEnv() {
        return env("CNI_COMMAND", "ADD",
                "CNI_CONTAINERID", "5e3f0c1a9b",
                "CNI_NETNS", "/var/run/netns/cni-7d2c",
                "CNI_IFNAME", "eth0",
                "CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0",
                "CNI_PATH", "/opt/cni/bin");
    }

    /** Checks that the shim printed exactly one CNI error object, and returns it. */
    private static Map<String, Object> errorObject(Run run, int code) {
        assertThat(run.exit()).as("exit status; stdout: %s", run.out()).isEqualTo(1);
        String out = run.out();
        assertThat(out).endsWith("\n");
        assertThat(out.indexOf('\n')).isEqualTo(out.length() - 1);
        Map<String, Object> error = MiniJson.parseObject(out);
        assertThat(error.keySet()).containsSubsequence("cniVersion", "code", "msg")
                .isSubsetOf("cniVersion", "code", "msg", "details");
        assertThat(error.get("cniVersion")).isInstanceOf(String.class);
        assertThat(error.get("msg")).isInstanceOf(String.class);
        assertThat(((BigDecimal) error.get("code")).intValueExact()).isEqualTo(code);
        return error;
    }

    private static Run run(Map<String, String> env, String stdin) throws Exception {
        return run(List.of(SHIM.toString()), env, stdin.getBytes(UTF_8));
    }

    private static Run run(Map<String, String> env, byte[] stdin) throws Exception {
        return run(List.of(SHIM.toString()), env, stdin);
    }

    private static Run run(List<String> command, Map<String, String> env, byte[] stdin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process process = pb.start();
        CompletableFuture<Void> in = CompletableFuture.runAsync(() -> {
            try (OutputStream os = process.getOutputStream()) {
                os.write(stdin);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        CompletableFuture<byte[]> out = readAsync(process.getInputStream());
        CompletableFuture<byte[]> err = readAsync(process.getErrorStream());
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("porin-cni did not finish within 60 s");
        }
        in.get(10, TimeUnit.SECONDS);
        Run run = new Run(process.exitValue(), out.get(10, TimeUnit.SECONDS),
                new String(err.get(10, TimeUnit.SECONDS), UTF_8));
        // Every outcome, error or not, is told on stdout; stderr stays for what cannot be.
        assertThat(run.stderr()).as("stderr").isEmpty();
        return run;
    }

    private static CompletableFuture<byte[]> readAsync(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static Path locateShim() {
        URL url = PorinCniTest.class.getResource("/dev/porin/cni/porin-cni");
        if (url == null) {
            throw new IllegalStateException("porin-cni is not on the test class path: compile.sh did not run");
        }
        try {
            Path path = Path.of(url.toURI());
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException(path + " is not executable");
            }
            return path;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
