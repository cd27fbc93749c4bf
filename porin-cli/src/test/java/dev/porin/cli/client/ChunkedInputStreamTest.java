// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.client;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkedInputStreamTest {

    private static InputStream chunked(String wire) {
        return new ChunkedInputStream(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void joinsTheChunksAndStopsAfterTheLastOne() throws IOException {
        InputStream in = new ByteArrayInputStream(
                "7\r\n{\"a\":1}\r\n8\r\n\n{\"b\":2}\r\n0\r\n\r\nnext answer".getBytes(StandardCharsets.UTF_8));

        assertThat(new String(new ChunkedInputStream(in).readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":1}\n{\"b\":2}");
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                .as("nothing past the end of the body is consumed").isEqualTo("next answer");
    }

    @Test
    void readsHexSizesWithExtensionsAndSkipsTrailers() throws IOException {
        String wire = "1A;name=value\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: yes\r\n\r\n";

        assertThat(new String(chunked(wire).readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("abcdefghijklmnopqrstuvwxyz");
    }

    @Test
    void aReadReturnsNoMoreThanTheCurrentChunkHolds() throws IOException {
        InputStream in = chunked("3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n");
        byte[] buffer = new byte[100];

        assertThat(in.read(buffer, 0, buffer.length)).isEqualTo(3);
        assertThat(in.read(buffer, 3, buffer.length - 3)).isEqualTo(3);
        assertThat(in.read(buffer, 6, buffer.length - 6)).isEqualTo(-1);
        assertThat(new String(buffer, 0, 6, StandardCharsets.UTF_8)).isEqualTo("abcdef");
    }

    @Test
    void keepsMultiByteCharactersSplitAcrossChunks() throws IOException {
        byte[] e = "é".getBytes(StandardCharsets.UTF_8);
        byte[] wire = new byte[] {'1', '\r', '\n', e[0], '\r', '\n', '1', '\r', '\n', e[1], '\r', '\n', '0', '\r', '\n', '\r', '\n'};

        assertThat(Lines.read(new ChunkedInputStream(new ByteArrayInputStream(wire)))).isEqualTo("é");
    }

    @Test
    void anAnswerCutInTheMiddleIsAnError() {
        assertThatThrownBy(() -> chunked("10\r\nonly part").readAllBytes()).isInstanceOf(IOException.class)
                .hasMessageContaining("middle of a chunk");
        assertThatThrownBy(() -> chunked("3\r\nabc\r\n").readAllBytes()).isInstanceOf(IOException.class)
                .hasMessageContaining("before its last chunk");
    }

    @Test
    void aBadChunkSizeIsAnError() {
        assertThatThrownBy(() -> chunked("zz\r\nabc\r\n0\r\n\r\n").readAllBytes()).isInstanceOf(IOException.class)
                .hasMessageContaining("bad chunk size 'zz'");
    }
}
