// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.state;

import dev.porin.api.Json;
import dev.porin.net.Ipv4Prefix;
import dev.porin.net.MacAddress;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

import java.net.Inet4Address;

/**
 * The mapper for state files: the API's rules, plus addresses written as text. IPv4 addresses are parsed
 * without ever consulting DNS.
 */
public final class StateJson {

    public static final JsonMapper MAPPER = Json.MAPPER.rebuild().addModule(module()).build();

    private StateJson() {
    }

    private static SimpleModule module() {
        SimpleModule m = new SimpleModule("porin-state");
        m.addSerializer(Inet4Address.class, new ValueSerializer<>() {
            @Override
            public void serialize(Inet4Address value, JsonGenerator gen, SerializationContext ctxt) {
                gen.writeString(value.getHostAddress());
            }
        });
        m.addDeserializer(Inet4Address.class, new ValueDeserializer<>() {
            @Override
            public Inet4Address deserialize(JsonParser p, DeserializationContext ctxt) {
                return Ipv4Prefix.parseAddress(p.getValueAsString());
            }
        });
        m.addSerializer(MacAddress.class, new ValueSerializer<>() {
            @Override
            public void serialize(MacAddress value, JsonGenerator gen, SerializationContext ctxt) {
                gen.writeString(value.toString());
            }
        });
        m.addDeserializer(MacAddress.class, new ValueDeserializer<>() {
            @Override
            public MacAddress deserialize(JsonParser p, DeserializationContext ctxt) {
                return MacAddress.parse(p.getValueAsString());
            }
        });
        return m;
    }
}
