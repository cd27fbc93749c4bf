// SPDX-License-Identifier: Apache-2.0
package dev.porin.datapath;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The drop codes the C datapath can return are exactly the ones Java can name. */
class DropReasonTest {

    private static final Pattern DEFINE = Pattern.compile("^#define\\s+DROP_(\\w+)\\s+-(\\d+)", Pattern.MULTILINE);

    @Test
    void javaEnumMirrorsDropHeader() throws IOException {
        String header = Files.readString(Path.of("src/main/bpf/lib/drop.h"));
        Map<Integer, String> c = new TreeMap<>();
        Matcher m = DEFINE.matcher(header);
        while (m.find()) {
            c.put(Integer.parseInt(m.group(2)), m.group(1));
        }
        Map<Integer, String> java = new TreeMap<>();
        for (DropReason r : DropReason.values()) {
            java.put(r.code(), r.name());
        }
        assertThat(java).isEqualTo(c);
    }
}
