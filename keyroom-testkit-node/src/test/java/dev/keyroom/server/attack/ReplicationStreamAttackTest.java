package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.keyroom.client.ServerTrust;
import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.store.Change;
import dev.keyroom.protocol.replication.ReplicationBatch;
import dev.keyroom.server.DataDir;
import dev.keyroom.server.SitePair;
import dev.keyroom.server.TestNode;
import dev.keyroom.server.replication.ApplyGate;
import dev.keyroom.server.replication.ApplyStream;
import dev.keyroom.server.tls.TlsMaterial;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * REPL-3, REPL-5 on the stream of batches (ADR 0004): each batch in a stream is checked like a
 * posted one (an unknown key, a replay, a malformed frame: refused, audited, nothing applied); ten
 * failed authentications ban the source, close its stream and refuse it a new one.
 */
@Timeout(120)
class ReplicationStreamAttackTest {
    @TempDir
    Path dir;

    /** A stream opened with the primary's replication certificate; answers arrive in order. */
    static final class Stream {
        final LinkedBlockingQueue<String> answers = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final WebSocket socket;

        Stream(HttpClient http, int port) throws Exception {
            StringBuilder text = new StringBuilder();
            socket = http.newWebSocketBuilder()
                    .buildAsync(URI.create("wss://127.0.0.1:" + port + ApplyStream.PATH), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                answers.add(text.toString());
                                text.setLength(0);
                            }
                            ws.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                            closed.complete(code);
                            return null;
                        }

                        @Override
                        public void onError(WebSocket ws, Throwable error) {
                            closed.complete(-1);
                        }
                    })
                    .get(10, TimeUnit.SECONDS);
        }

        String send(byte[] key, byte[] signature, byte[] body) throws Exception {
            byte[] frame = new byte[key.length + signature.length + body.length];
            System.arraycopy(key, 0, frame, 0, key.length);
            System.arraycopy(signature, 0, frame, key.length, signature.length);
            System.arraycopy(body, 0, frame, key.length + signature.length, body.length);
            socket.sendBinary(ByteBuffer.wrap(frame), true).get(10, TimeUnit.SECONDS);
            return answers.poll(10, TimeUnit.SECONDS);
        }

        String send(ReplicationBatch.Signed s) throws Exception {
            return send(Base64Url.decode(s.key(), "k"), Base64Url.decode(s.signature(), "s"), s.body());
        }
    }

    static HttpClient asThePrimary(SitePair sites) throws Exception {
        TlsMaterial m = TlsMaterial.read(sites.primaryDir.resolve("replication-client"));
        char[] pw = "test".toCharArray();
        var kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(m.keyStore(pw), pw);
        return HttpClient.newBuilder()
                .sslContext(ServerTrust.pin(sites.backupPin()).sslContext(kmf.getKeyManagers()))
                .build();
    }

    @Test
    void REPL_5_aStreamsBatchesAreCheckedOneByOne_andTenBadOnesBanTheSourceAndCloseTheStream() throws Exception {
        try (SitePair sites = SitePair.start(dir, "");
                HttpClient http = asThePrimary(sites);
                Identity stranger = Identity.generate(TestNode.RANDOM);
                Identity primaryKey = new DataDir(sites.primaryDir).loadOrCreateServerIdentity(TestNode.RANDOM)) {
            long before = sites.backup.admin.site().status().watermark();
            sites.stopPrimary(); // its own worker would use the source's budget meanwhile
            sites.primary = null;
            Stream stream = new Stream(http, sites.applyPort);
            List<byte[]> change = List.of(new Change.DeleteBan("nobody").encode());

            assertThat(stream.send(new byte[10], new byte[0], new byte[0])).contains("\"status\":400");
            ReplicationBatch.Signed good = ReplicationBatch.sign(
                    primaryKey, 1, before + 1, List.of(), "stream-nonce-0000000001", Instant.now());
            assertThat(stream.send(good)).contains("\"status\":200").contains("\"watermark\":" + before);
            assertThat(stream.send(good)).contains("\"status\":401").contains("replayed batch");
            ReplicationBatch.Signed tampered =
                    ReplicationBatch.sign(primaryKey, 1, before + 1, change, "stream-nonce-0000000002", Instant.now());
            byte[] body = tampered.body().clone();
            body[body.length / 2] ^= 1;
            assertThat(stream.send(
                            Base64Url.decode(tampered.key(), "k"), Base64Url.decode(tampered.signature(), "s"), body))
                    .contains("\"status\":401")
                    .contains("bad batch signature");

            // An unknown key, again and again: the tenth failure bans the source and closes its stream.
            for (int i = 0; i < ApplyGate.FAILURES_BEFORE_BAN - 2 && !stream.closed.isDone(); i++) {
                String answer = stream.send(ReplicationBatch.sign(
                        stranger, 1, before + 1, change, "stranger-nonce-00000000" + i, Instant.now()));
                assertThat(answer).contains("\"status\":401").contains("not signed by a primary site key");
            }
            assertThat(stream.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008);
            assertThatThrownBy(() -> new Stream(http, sites.applyPort))
                    .hasCauseInstanceOf(java.net.http.WebSocketHandshakeException.class)
                    .satisfies(e -> assertThat(((java.net.http.WebSocketHandshakeException) e.getCause())
                                    .getResponse()
                                    .statusCode())
                            .isEqualTo(403));
            assertThat(sites.backup.admin.site().status().watermark()).isEqualTo(before);
            await().untilAsserted(() -> assertThat(sites.backup.admin.audit().events(0, 1000))
                    .filteredOn(e -> e.outcome().startsWith("refused: not signed by a primary site key"))
                    .hasSize(ApplyGate.FAILURES_BEFORE_BAN - 2));
        }
    }
}
