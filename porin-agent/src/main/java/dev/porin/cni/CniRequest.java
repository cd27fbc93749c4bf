// SPDX-License-Identifier: Apache-2.0
package dev.porin.cni;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One CNI invocation: the {@code CNI_*} variables and the network configuration. The plugin executable
 * passes the variables as {@code Cni-*} headers, percent-encoded; {@link #parse} decodes and validates
 * them the way the spec's reference library does.
 */
public record CniRequest(CniCommand command, String containerId, String netns, String ifname,
                         Map<String, String> args, NetConf conf) {

    private static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]*");

    /** {@code K8S_POD_NAMESPACE} from {@code CNI_ARGS}, or null. */
    public String podNamespace() {
        return args.get("K8S_POD_NAMESPACE");
    }

    public String podName() {
        return args.get("K8S_POD_NAME");
    }

    /**
     * @param header the value of a {@code Cni-*} header by its variable name ({@code CNI_NETNS}), or null
     *               if the variable was not set
     */
    public static CniRequest parse(Function<String, String> header, byte[] stdin) {
        String cmd = decoded(header, "CNI_COMMAND");
        if (cmd == null || cmd.isEmpty()) {
            throw CniException.invalidEnvironment("CNI_COMMAND", "not set");
        }
        CniCommand command = CniCommand.parse(cmd);
        NetConf conf = NetConf.parse(stdin);
        boolean perContainer = command == CniCommand.ADD || command == CniCommand.DEL || command == CniCommand.CHECK;
        String containerId = decoded(header, "CNI_CONTAINERID");
        String netns = decoded(header, "CNI_NETNS");
        String ifname = decoded(header, "CNI_IFNAME");
        if (perContainer) {
            require("CNI_CONTAINERID", containerId);
            if (!CONTAINER_ID.matcher(containerId).matches()) {
                throw CniException.invalidEnvironment("CNI_CONTAINERID", "'" + containerId
                        + "' must start with a letter or digit and contain only letters, digits, '_', '.' and '-'");
            }
            require("CNI_IFNAME", ifname);
            validateIfname(ifname);
        }
        if (command == CniCommand.ADD || command == CniCommand.CHECK) {
            require("CNI_NETNS", netns);
            if (!netns.startsWith("/")) {
                throw CniException.invalidEnvironment("CNI_NETNS", "'" + netns + "' is not an absolute path");
            }
        }
        return new CniRequest(command, containerId, netns == null || netns.isEmpty() ? null : netns, ifname,
                parseArgs(decoded(header, "CNI_ARGS")), conf);
    }

    private static void require(String variable, String value) {
        if (value == null || value.isEmpty()) {
            throw CniException.invalidEnvironment(variable, "not set");
        }
    }

    /** Linux interface name rules, as the spec states them. */
    private static void validateIfname(String ifname) {
        if (ifname.getBytes(StandardCharsets.UTF_8).length > 15) {
            throw CniException.invalidEnvironment("CNI_IFNAME", "'" + ifname + "' is longer than 15 bytes");
        }
        if (ifname.equals(".") || ifname.equals("..") || ifname.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c))) {
            throw CniException.invalidEnvironment("CNI_IFNAME", "'" + ifname + "' is not a valid interface name");
        }
    }

    /** {@code FOO=BAR;ABC=123}. Later duplicates win; an element without '=' is an error. */
    static Map<String, String> parseArgs(String cniArgs) {
        Map<String, String> args = new LinkedHashMap<>();
        if (cniArgs == null || cniArgs.isEmpty()) {
            return args;
        }
        for (String pair : cniArgs.split(";")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw CniException.invalidEnvironment("CNI_ARGS", "'" + pair + "' is not KEY=VALUE");
            }
            args.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return args;
    }

    private static String decoded(Function<String, String> header, String variable) {
        String raw = header.apply(variable);
        return raw == null ? null : percentDecode(raw, variable);
    }

    /**
     * Undoes the plugin's encoding: {@code %XX} is a byte, everything else itself; the bytes must be UTF-8,
     * since a replaced byte would silently make the value name something else.
     */
    static String percentDecode(String value, String variable) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 2 >= value.length()) {
                    throw CniException.invalidEnvironment(variable, "truncated escape in '" + value + "'");
                }
                int hi = Character.digit(value.charAt(i + 1), 16);
                int lo = Character.digit(value.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw CniException.invalidEnvironment(variable, "bad escape in '" + value + "'");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw CniException.invalidEnvironment(variable, "'" + value + "' does not decode to UTF-8");
        }
    }
}
