package dev.keyroom.server.http;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.server.limits.InflightBudget;
import dev.keyroom.server.limits.RequestGate;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads request bodies for the control plane (DOS-1, DOS-2, DOS-4, DOS-5): under the route's
 * ceiling, hashed as they stream in, within the in-flight budget the request reserved, and whole
 * before the body deadline; JSON bodies into memory, blob bodies to the spool directory.
 */
final class BodyReader {
    private final RequestGate gate;
    private final Path spoolDir;

    BodyReader(RequestGate gate, Path spoolDir) {
        this.gate = gate;
        this.spoolDir = spoolDir;
    }

    /**
     * The body's length as declared: {@code Content-Length}, or -1 for a chunked body of unknown
     * length, or 0 when HTTP/1.1 framing says there is none (no length and no {@code
     * Transfer-Encoding}, as curl sends a GET): such a request is charged nothing.
     */
    static long declaredLength(Request request) {
        long length = request.getLength();
        if (length < 0 && !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            return 0;
        }
        return length;
    }

    /**
     * Reads the body under its ceiling, hashing it as it streams: a declared body within what it
     * reserved, an undeclared one growing its reservation as it arrives; all of it before the body
     * deadline (DOS-2, DOS-4).
     */
    RequestBody read(
            Request request,
            InflightBudget.Reservation held,
            long declared,
            long cap,
            boolean blob,
            HttpFields.Mutable headers) {
        if (declared == 0) {
            return RequestBody.InMemory.EMPTY;
        }
        try (BodyDeadline timed = BodyDeadline.start(request, gate.bodyTimeout());
                InputStream in = new ReservedStream(Content.Source.asInputStream(timed), gate, held, headers)) {
            try {
                return blob ? RequestBody.spool(in, cap, spoolDir) : RequestBody.inMemory(in, cap);
            } catch (IOException e) {
                if (timed.expired()) {
                    throw new KeyroomException(
                            ErrorCode.REQUEST_TIMEOUT,
                            "the request body did not arrive within "
                                    + gate.bodyTimeout().toSeconds() + " s");
                }
                if (causedBy(e, java.util.concurrent.TimeoutException.class)) {
                    throw new KeyroomException(
                            ErrorCode.REQUEST_TIMEOUT, "the request body arrived more slowly than the server accepts");
                }
                throw KeyroomException.badRequest("could not read the request body");
            }
        } catch (IOException e) {
            throw KeyroomException.badRequest("could not read the request body");
        }
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /** A body stream that grows its reservation ahead of what it reads, a block at a time. */
    private static final class ReservedStream extends java.io.FilterInputStream {
        private static final long BLOCK = 64 * 1024;
        private final RequestGate gate;
        private final InflightBudget.Reservation held;
        private final HttpFields.Mutable headers;
        private long read;

        ReservedStream(InputStream in, RequestGate gate, InflightBudget.Reservation held, HttpFields.Mutable headers) {
            super(in);
            this.gate = gate;
            this.held = held;
            this.headers = headers;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                read += n;
                long missing = read - held.bytes();
                if (missing > 0) {
                    gate.grow(held, Math.max(missing, BLOCK), headers);
                }
            }
            return n;
        }
    }

    /** How long a refused request's unread body is drained after the answer. */
    static final java.time.Duration DRAIN = java.time.Duration.ofSeconds(2);

    /**
     * Reads and drops what remains of a body nobody will use, up to {@code maxBytes} and for at most
     * {@link #DRAIN}: a client still sending then reads the answer already sent rather than a reset
     * connection. Whatever stops it (the end, the bound, a failure) ends it quietly; Jetty closes a
     * connection whose body was not read to its end.
     */
    void drain(Request request, long maxBytes) {
        try (BodyDeadline timed = BodyDeadline.start(request, DRAIN);
                InputStream in = Content.Source.asInputStream(timed)) {
            byte[] sink = new byte[16 * 1024];
            long total = 0;
            int n;
            while (total <= maxBytes && (n = in.read(sink)) >= 0) {
                total += n;
            }
        } catch (IOException | RuntimeException e) {
            // the connection is closed with the request
        }
    }
}
