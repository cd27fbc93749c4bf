// SPDX-License-Identifier: Apache-2.0
package dev.porin.cni;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CniRequestTest {

    private static final byte[] CONF = "{\"cniVersion\":\"1.1.0\",\"name\":\"porin\"}".getBytes(StandardCharsets.UTF_8);

    /** The variables of an ADD of eth0 in container c1; callers change or drop some. */
    private static Map<String, String> add() {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", "ADD");
        env.put("CNI_CONTAINERID", "c1");
        env.put("CNI_NETNS", "/var/run/netns/c1");
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_ARGS", "K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0");
        return env;
    }

    private static Map<String, String> with(String variable, String value) {
        Map<String, String> env = add();
        env.put(variable, value);
        return env;
    }

    private static Map<String, String> without(String variable) {
        Map<String, String> env = add();
        env.remove(variable);
        return env;
    }

    private static CniRequest parse(Map<String, String> env) {
        return CniRequest.parse(env::get, CONF);
    }

    private static void assertRefused(Map<String, String> env, String variable) {
        assertThatThrownBy(() -> parse(env))
                .isInstanceOfSatisfying(CniException.class,
                        e -> assertThat(e.code()).isEqualTo(CniException.INVALID_ENVIRONMENT))
                .hasMessageStartingWith(variable + ":");
    }

    @Test
    void readsEveryVariableOfAnAdd() {
        CniRequest req = parse(add());

        assertThat(req.command()).isEqualTo(CniCommand.ADD);
        assertThat(req.containerId()).isEqualTo("c1");
        assertThat(req.netns()).isEqualTo("/var/run/netns/c1");
        assertThat(req.ifname()).isEqualTo("eth0");
        assertThat(req.podNamespace()).isEqualTo("default");
        assertThat(req.podName()).isEqualTo("web-0");
        assertThat(req.conf().name()).isEqualTo("porin");
    }

    @ParameterizedTest
    @CsvSource({
        "ADD, CNI_CONTAINERID", "ADD, CNI_NETNS", "ADD, CNI_IFNAME",
        "CHECK, CNI_CONTAINERID", "CHECK, CNI_NETNS", "CHECK, CNI_IFNAME",
        "DEL, CNI_CONTAINERID", "DEL, CNI_IFNAME",
    })
    void refusesACommandWithoutAVariableItNeeds(String command, String variable) {
        Map<String, String> env = with("CNI_COMMAND", command);
        env.remove(variable);
        assertRefused(env, variable);

        env.put(variable, "");
        assertRefused(env, variable);
    }

    @Test
    void deleteDoesNotNeedTheNamespace() {
        Map<String, String> env = with("CNI_COMMAND", "DEL");
        env.remove("CNI_NETNS");

        assertThat(parse(env).netns()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"STATUS", "GC"})
    void statusAndGcNeedOnlyTheCommand(String command) {
        CniRequest req = parse(Map.of("CNI_COMMAND", command));

        assertThat(req.command()).isEqualTo(CniCommand.valueOf(command));
        assertThat(req.args()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"FOO", "add", "DELETE"})
    void refusesAnUnknownCommand(String command) {
        assertRefused(with("CNI_COMMAND", command), "CNI_COMMAND");
    }

    @Test
    void refusesARequestWithoutCommand() {
        assertRefused(without("CNI_COMMAND"), "CNI_COMMAND");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "a", "pod_1.infra-2"})
    void acceptsContainerIdsOfLettersDigitsAndPunctuation(String id) {
        assertThat(parse(with("CNI_CONTAINERID", id)).containerId()).isEqualTo(id);
    }

    @Test
    void rejectsContainerIdStartingWithDash() {
        assertRefused(with("CNI_CONTAINERID", "-rf"), "CNI_CONTAINERID");
    }

    @ParameterizedTest
    @ValueSource(strings = {"_c1", ".c1", "c1/../x", "c 1", "c1;reboot", "c1:2"})
    void rejectsContainerIdsOutsideTheSpecsAlphabet(String id) {
        assertRefused(with("CNI_CONTAINERID", id), "CNI_CONTAINERID");
    }

    @ParameterizedTest
    @ValueSource(strings = {"eth0", "net1", "a", "fifteen-chars-x", "eth0.100", "eth@1"})
    void acceptsValidInterfaceNames(String ifname) {
        assertThat(parse(with("CNI_IFNAME", ifname)).ifname()).isEqualTo(ifname);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sixteen-chars-xx", ".", "..", "eth/0", "eth:0", "eth 0", "eth%090", "eth%0A0"})
    void rejectsInterfaceNamesTheKernelRefuses(String ifname) {
        assertRefused(with("CNI_IFNAME", ifname), "CNI_IFNAME");
    }

    @Test
    void countsInterfaceNameLengthInBytesAsTheKernelDoes() {
        // 8 characters, 16 bytes of UTF-8: one more than IFNAMSIZ leaves room for.
        assertRefused(with("CNI_IFNAME", "%C3%A9".repeat(8)), "CNI_IFNAME");
        assertThat(parse(with("CNI_IFNAME", "%C3%A9".repeat(7))).ifname()).isEqualTo("é".repeat(7));
    }

    @Test
    void refusesARelativeNamespacePath() {
        assertRefused(with("CNI_NETNS", "netns/c1"), "CNI_NETNS");
    }

    @Test
    void ignoresUnknownArgumentsWhenAskedTo() {
        CniRequest req = parse(with("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAMESPACE=kube-system;K8S_POD_NAME=dns-0;"
                + "K8S_POD_INFRA_CONTAINER_ID=c1;K8S_POD_UID=8a3c;SOMETHING_ELSE=x"));

        assertThat(req.podNamespace()).isEqualTo("kube-system");
        assertThat(req.podName()).isEqualTo("dns-0");
        assertThat(req.args()).containsEntry("IgnoreUnknown", "1");
    }

    @Test
    void podIsUnknownWithoutArguments() {
        CniRequest req = parse(without("CNI_ARGS"));

        assertThat(req.podNamespace()).isNull();
        assertThat(req.podName()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"K8S_POD_NAME", "K8S_POD_NAMESPACE=default;web-0", "=web-0"})
    void refusesArgumentsThatAreNotKeyValuePairs(String args) {
        assertRefused(with("CNI_ARGS", args), "CNI_ARGS");
    }

    @Test
    void decodesPercentEscapesBeforeValidating() {
        CniRequest req = parse(Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "c1",
                "CNI_NETNS", "/var/run/netns/100%25%20pod", "CNI_IFNAME", "eth0",
                "CNI_ARGS", "K8S_POD_NAMESPACE=default;K8S_POD_NAME=caf%C3%A9-%E6%97%A5%F0%9F%90%B3"));

        assertThat(req.netns()).isEqualTo("/var/run/netns/100% pod");
        assertThat(req.podName()).isEqualTo("café-日🐳");
    }

    @Test
    void acceptsLowerCaseHexInEscapes() {
        assertThat(parse(with("CNI_NETNS", "/run/netns/%c3%a9")).netns()).isEqualTo("/run/netns/é");
    }

    @ParameterizedTest
    @CsvSource({
        "CNI_NETNS, /var/run/netns/c1%",
        "CNI_NETNS, /var/run/netns/c1%4",
        "CNI_NETNS, /var/run/netns/%G1",
        "CNI_ARGS, K8S_POD_NAME=%zz",
        "CNI_CONTAINERID, c%-1",
    })
    void refusesMalformedEscapesNamingTheVariable(String variable, String value) {
        assertRefused(with(variable, value), variable);
    }

    @Test
    void refusesEscapedBytesThatAreNotUtf8() {
        // Replacing them would silently name another namespace.
        assertRefused(with("CNI_NETNS", "/var/run/netns/caf%E9"), "CNI_NETNS");
    }
}
