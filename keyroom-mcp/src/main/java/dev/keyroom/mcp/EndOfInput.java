package dev.keyroom.mcp;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;

/**
 * Standard input as the MCP transport reads it, telling when it has ended: the client closed the
 * pipe (or it broke), which is how a stdio MCP client says it is done with the server.
 */
final class EndOfInput extends FilterInputStream {
    private final CountDownLatch ended = new CountDownLatch(1);

    EndOfInput(InputStream in) {
        super(in);
    }

    /** Returns once the input has ended. */
    void await() throws InterruptedException {
        ended.await();
    }

    @Override
    public int read() throws IOException {
        return seen(() -> super.read());
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        return seen(() -> super.read(b, off, len));
    }

    private interface Read {
        int run() throws IOException;
    }

    private int seen(Read r) throws IOException {
        try {
            int n = r.run();
            if (n < 0) {
                ended.countDown();
            }
            return n;
        } catch (IOException e) {
            ended.countDown();
            throw e;
        }
    }
}
