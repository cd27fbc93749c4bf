// SPDX-License-Identifier: Apache-2.0
package dev.porin.cni;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NetConfTest {

    private static NetConf parse(String json) {
        return NetConf.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A configuration of network porin at {@code cniVersion} 1.1.0 with {@code extra} top-level members. */
    private static String conf(String extra) {
        return "{\"cniVersion\":\"1.1.0\",\"name\":\"porin\"" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private static String labels(String list) {
        return conf("\"args\":{\"cni\":{\"labels\":" + list + "}}");
    }

    private static void assertRefused(String json, int code, String naming) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessageContaining(naming);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"})
    void acceptsEverySupportedVersion(String version) {
        assertThat(parse("{\"cniVersion\":\"" + version + "\",\"name\":\"porin\"}").cniVersion()).isEqualTo(version);
    }

    @Test
    void refusesAConfigurationWithoutVersion() {
        assertRefused("{\"name\":\"porin\"}", CniException.INVALID_CONFIG, "cniVersion");
        assertRefused("{\"cniVersion\":1.0,\"name\":\"porin\"}", CniException.INVALID_CONFIG, "cniVersion");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.2.0", "1.2.0", "2.0.0", "1.0"})
    void refusesAnUnsupportedVersionListingTheSupportedOnes(String version) {
        assertThatThrownBy(() -> parse("{\"cniVersion\":\"" + version + "\",\"name\":\"porin\"}"))
                .isInstanceOfSatisfying(CniException.class, e -> {
                    assertThat(e.code()).isEqualTo(CniException.INCOMPATIBLE_VERSION);
                    assertThat(e.details()).contains("0.3.0", "1.1.0");
                })
                .hasMessageContaining(version);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{\"cniVersion\":", "{'cniVersion':'1.1.0'}", "{\"a\":1} trailing"})
    void refusesMalformedJson(String json) {
        assertRefused(json, CniException.DECODING_FAILURE, "network configuration");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"porin\"", "42", "null"})
    void refusesJsonThatIsNotAnObject(String json) {
        assertRefused(json, CniException.DECODING_FAILURE, "not a JSON object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"porin", "k8s-pod-network", "net_1.v2", "0"})
    void acceptsNetworkNamesOfTheSpec(String name) {
        assertThat(parse("{\"cniVersion\":\"1.1.0\",\"name\":\"" + name + "\"}").name()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"-porin\"", "\"my net\"", "\"a/b\"", "7", "null"})
    void refusesInvalidNetworkNames(String name) {
        assertRefused("{\"cniVersion\":\"1.1.0\",\"name\":" + name + "}", CniException.INVALID_CONFIG, "name");
    }

    @Test
    void readsLabelsInOrder() {
        NetConf conf = parse(labels("[{\"key\":\"app\",\"value\":\"web\"},"
                + "{\"key\":\"app.kubernetes.io/part-of\",\"value\":\"shop\"},{\"key\":\"canary\",\"value\":\"\"}]"));

        assertThat(conf.labels()).containsExactly(entry("app", "web"),
                entry("app.kubernetes.io/part-of", "shop"), entry("canary", ""));
    }

    @Test
    void noLabelsIsAnEmptyMap() {
        assertThat(parse(conf("")).labels()).isEmpty();
        assertThat(parse(labels("null")).labels()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-app", "app/", "Example.com/app", "a b", "a123456789b123456789c123456789d123456789e123456789f123456789abcd"})
    void refusesAnInvalidLabelKeyNamingIt(String key) {
        assertRefused(labels("[{\"key\":\"ok\",\"value\":\"1\"},{\"key\":\"" + key + "\",\"value\":\"1\"}]"),
                CniException.INVALID_CONFIG, "args.cni.labels[1].key");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-web", "web app", "web/1"})
    void refusesAnInvalidLabelValueNamingIt(String value) {
        assertRefused(labels("[{\"key\":\"app\",\"value\":\"" + value + "\"}]"), CniException.INVALID_CONFIG,
                "args.cni.labels[0].value");
    }

    @Test
    void refusesLabelsThatAreNotAListOfPairs() {
        assertRefused(labels("{\"app\":\"web\"}"), CniException.INVALID_CONFIG, "args.cni.labels");
        assertRefused(labels("[\"app=web\"]"), CniException.INVALID_CONFIG, "args.cni.labels[0]");
        assertRefused(labels("[{\"key\":\"app\",\"value\":3}]"), CniException.INVALID_CONFIG, "args.cni.labels[0]");
    }

    @Test
    void keepsThePreviousResult() {
        NetConf conf = parse(conf("\"prevResult\":{\"cniVersion\":\"1.1.0\",\"ips\":[{\"address\":\"10.200.0.2/32\"}]}"));

        assertThat(conf.prevResult()).isNotNull();
        assertThat(CniResult.addresses(conf.prevResult())).containsExactly("10.200.0.2/32");
        assertThat(parse(conf("")).prevResult()).isNull();
        assertThat(parse(conf("\"prevResult\":null")).prevResult()).isNull();
    }

    @Test
    void refusesAPreviousResultThatIsNotAnObject() {
        assertRefused(conf("\"prevResult\":[]"), CniException.INVALID_CONFIG, "prevResult");
    }

    @Test
    void readsTheValidAttachmentsOfAGc() {
        NetConf conf = parse(conf("\"cni.dev/valid-attachments\":[{\"containerID\":\"c1\",\"ifname\":\"eth0\"},"
                + "{\"containerID\":\"c2\",\"ifname\":\"net1\"}]"));

        assertThat(conf.attachments()).containsExactly(new NetConf.Attachment("c1", "eth0"),
                new NetConf.Attachment("c2", "net1"));
        assertThat(parse(conf("")).attachments()).isNull();
        assertThat(parse(conf("\"cni.dev/valid-attachments\":[]")).attachments()).isEmpty();
    }

    @Test
    void refusesMalformedAttachmentsNamingThem() {
        assertRefused(conf("\"cni.dev/valid-attachments\":{}"), CniException.INVALID_CONFIG, "cni.dev/valid-attachments");
        assertRefused(conf("\"cni.dev/valid-attachments\":[{\"containerID\":\"c1\",\"ifname\":\"eth0\"},"
                + "{\"containerID\":\"c2\"}]"), CniException.INVALID_CONFIG, "cni.dev/valid-attachments[1]");
    }

    @Test
    void acceptsFieldsItDoesNotKnow() {
        NetConf conf = parse(conf("\"type\":\"porin-cni\",\"socketPath\":\"/run/porin.sock\",\"disableCheck\":true,"
                + "\"ipam\":{},\"dns\":{\"nameservers\":[\"10.96.0.10\"]},\"runtimeConfig\":{\"portMappings\":[]},"
                + "\"args\":{\"cni\":{\"labels\":[],\"ips\":[\"10.200.0.9\"]},\"other\":1},\"x-vendor\":[1,2]"));

        assertThat(conf.name()).isEqualTo("porin");
    }

    @Test
    void answersInTheRequestsVersionEvenWhenTheRestIsUnreadable() {
        assertThat(NetConf.versionOf("{\"cniVersion\":\"0.4.0\",\"name\":\"-bad\"}".getBytes())).isEqualTo("0.4.0");
        assertThat(NetConf.versionOf("{\"cniVersion\":\"9.9.9\"}".getBytes())).as("as the plugin does").isEqualTo("9.9.9");
        assertThat(NetConf.versionOf("not json".getBytes())).isEqualTo(CniVersion.LATEST);
        assertThat(NetConf.versionOf(new byte[0])).isEqualTo(CniVersion.LATEST);
    }
}
