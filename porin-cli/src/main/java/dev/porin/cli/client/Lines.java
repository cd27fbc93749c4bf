// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Lines of an HTTP head or a newline-delimited body, read a byte at a time so nothing past them is consumed. */
final class Lines {

    private Lines() {
    }

    /** The next line without its {@code \n} or {@code \r\n}; the rest if the stream ends first; null at the end. */
    static String read(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
