package dev.keyroom.server.replication;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A primary's end of a stream of change batches to its backup ({@link ApplyStream}): one binary
 * message a batch, one text answer each, in order. Any failure closes it and fails the answers to
 * come; the worker opens another.
 */
final class ChangeStream implements AutoCloseable {
    private final StringBuilder text = new StringBuilder();
    private volatile WebSocket socket;
    /** The answers to come, in the order their batches were sent. */
    private final java.util.concurrent.ConcurrentLinkedQueue<CompletableFuture<String>> answers =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    private volatile boolean closed;

    private ChangeStream() {}

    /** Opens a stream to the backup whose apply listener is {@code backup}, over {@code http}'s TLS. */
    static ChangeStream open(HttpClient http, URI backup, Duration timeout) throws IOException, InterruptedException {
        ChangeStream stream = new ChangeStream();
        URI uri = URI.create("wss://" + backup.getRawAuthority() + ApplyStream.PATH);
        try {
            stream.socket = http.newWebSocketBuilder()
                    .connectTimeout(timeout)
                    .buildAsync(uri, stream.listener())
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IOException("cannot open the stream to the backup: " + cause, cause);
        }
        return stream;
    }

    boolean isOpen() {
        return !closed;
    }

    /**
     * Sends one batch, waiting until it is on its way (not for its answer); returns its answer to
     * come. Answers come in the order the batches were sent.
     */
    CompletableFuture<String> sendAsync(byte[] batch, Duration timeout) throws IOException, InterruptedException {
        CompletableFuture<String> pending = new CompletableFuture<>();
        answers.add(pending);
        if (closed) {
            pending.completeExceptionally(new IOException("the stream to the backup is closed"));
            return pending;
        }
        try {
            socket.sendBinary(ByteBuffer.wrap(batch), true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IOException("the stream to the backup failed: " + cause.getMessage(), cause);
        }
        return pending;
    }

    /** Waits for an answer {@link #sendAsync} promised. */
    String answer(CompletableFuture<String> pending, Duration timeout) throws IOException, InterruptedException {
        try {
            return pending.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IOException("the stream to the backup failed: " + cause.getMessage(), cause);
        }
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket webSocket) {
                webSocket.request(1);
            }

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    String whole = text.toString();
                    text.setLength(0);
                    CompletableFuture<String> next = answers.poll();
                    if (next == null) {
                        fail(new IOException("the backup answered a batch that was not sent"));
                    } else {
                        next.complete(whole);
                    }
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                fail(new IOException("the backup sent a binary message"));
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                fail(new IOException("the backup closed the stream: " + statusCode + " " + reason));
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                fail(error);
            }
        };
    }

    private void fail(Throwable error) {
        closed = true;
        for (CompletableFuture<String> f; (f = answers.poll()) != null; ) {
            f.completeExceptionally(error);
        }
    }

    @Override
    public void close() {
        WebSocket s = socket;
        if (s != null) {
            s.abort();
        }
        fail(new IOException("the stream to the backup is closed"));
    }
}
