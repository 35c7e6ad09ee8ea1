package dev.keyroom.gateway;

import java.io.IOException;
import java.io.InputStream;

/** The agent's body, counted and cut off past the gateway's cap. */
final class CountingInput extends InputStream {
    private final InputStream in;
    private final long max;
    long count;
    volatile boolean overLimit;

    CountingInput(InputStream in, long max) {
        this.in = in;
        this.max = max;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            count += n;
            if (count > max) {
                overLimit = true;
                throw new IOException("request body over the gateway's cap");
            }
        }
        return n;
    }
}
