// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The body of an HTTP/1.1 message sent with {@code Transfer-Encoding: chunked}, decoded: the data of each
 * chunk in turn, then the end of the stream after the last (empty) chunk and its trailers. A read returns
 * what has arrived of the current chunk without waiting for more, so a streamed answer is seen line by line.
 */
final class ChunkedInputStream extends InputStream {

    private final InputStream in;
    private long remaining;
    private boolean started;
    private boolean done;

    ChunkedInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public int read() throws IOException {
        byte[] b = new byte[1];
        return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (remaining == 0 && !nextChunk()) {
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException("the answer ended in the middle of a chunk");
        }
        remaining -= n;
        return n;
    }

    /** Reads up to the next chunk's data; false after the last chunk. */
    private boolean nextChunk() throws IOException {
        if (done) {
            return false;
        }
        if (started && !Lines.read(in).isEmpty()) {
            throw new IOException("a chunk is longer than its size says");
        }
        started = true;
        String head = Lines.read(in);
        if (head == null) {
            throw new EOFException("the answer ended before its last chunk");
        }
        int ext = head.indexOf(';');
        try {
            remaining = Long.parseLong((ext < 0 ? head : head.substring(0, ext)).strip(), 16);
        } catch (NumberFormatException e) {
            throw new IOException("bad chunk size '" + head + "'");
        }
        if (remaining < 0) {
            throw new IOException("bad chunk size '" + head + "'");
        }
        if (remaining == 0) {
            done = true;
            for (String trailer = Lines.read(in); trailer != null && !trailer.isEmpty(); trailer = Lines.read(in)) {
                // trailers carry nothing this client needs
            }
            return false;
        }
        return true;
    }
}
