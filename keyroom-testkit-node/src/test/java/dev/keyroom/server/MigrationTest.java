package dev.keyroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyroom.core.port.Clock;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.server.config.ServerConfig;
import dev.keyroom.store.sqlite.DiskBlobStore;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keyroom migrate}: the copy is checked record by record and blob by blob; a run that
 * stopped after the upload can be run again and is checked again; another directory's data in the
 * cluster is reported as a mismatch, never taken for this one.
 */
@Timeout(120)
class MigrationTest {
    @TempDir
    Path dir;

    @Test
    void aMigrationRunTwice_isCheckedAgain_andAnotherSourceIsAMismatch() throws Exception {
        try (ClusterFixture.SecuredNats nats = ClusterFixture.securedNats(dir, 1)) {
            Path source = dir.resolve("source");
            new DataDir(source).init(Optional.empty(), Clock.system(), TestNode.RANDOM);
            byte[] blob = "an encrypted attachment".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            String sha = java.util.HexFormat.of().formatHex(dev.keyroom.core.crypto.Digests.sha256(blob));
            new DiskBlobStore(new DataDir(source).blobs())
                    .put(RoomId.random(TestNode.RANDOM), sha, new ByteArrayInputStream(blob), 1 << 20);
            ServerConfig config = ServerConfig.from(source, ServerConfig.parse(nats.yaml(1), "test"));

            Migration.Report[] first = new Migration.Report[1];
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                first[0] = Migration.sqliteToJetStream(config, source);
                return true;
            });
            assertThat(first[0].verified()).isTrue();
            assertThat(first[0].blobs()).isEqualTo(1);
            assertThat(first[0].source().counts()).containsEntry("users", 1L);

            Migration.Report again = Migration.sqliteToJetStream(config, source);
            assertThat(again.resumed()).isTrue();
            assertThat(again.verified()).isTrue();

            Path other = dir.resolve("other");
            new DataDir(other).init(Optional.empty(), Clock.system(), TestNode.RANDOM);
            Migration.Report wrong = Migration.sqliteToJetStream(
                    ServerConfig.from(other, ServerConfig.parse(nats.yaml(1), "test")), other);
            assertThat(wrong.resumed()).isTrue();
            assertThat(wrong.verified()).isFalse();
            assertThat(wrong.cluster().sha256()).isEqualTo(first[0].source().sha256());
        }
    }
}
