package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.client.SecretValue;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.dto.KeyringDtos;
import dev.keyroom.server.DataDir;
import dev.keyroom.server.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SEC-3, SEC-4: the keyring rotates and re-wraps while writers keep writing, with no failed request;
 * old keys are retired only when nothing uses them; the keyring file is 0600.
 */
class KeyringRotationAttackTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void rotateAndRewrap_underAWriteLoad_failNoRequest_andRetireTheOldKey() throws Exception {
        try (TestNode node = TestNode.start(dir, "limits: {rate_per_identity: 100000, burst_per_identity: 100000}\n")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(new DataDir(dir).keyring())))
                    .isEqualTo("rw-------");
            KeyroomClient alice = node.client(node.register("alice", Role.MEMBER));
            RoomId room = RoomId.parse(alice.rooms().createCleartext("load").roomId());
            RoomId sealedRoom = RoomId.parse(alice.rooms().create("sealed").roomId());
            byte[] roomKeyBefore;
            try (var k = alice.rooms().key(sealedRoom, Optional.empty())) {
                roomKeyBefore = k.unsafeBytes();
            }
            for (int i = 0; i < 50; i++) {
                alice.secrets().put(room, "seed" + i, ("seed" + i).getBytes(StandardCharsets.UTF_8), 0);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger writes = new AtomicInteger();
            AtomicInteger failures = new AtomicInteger();
            ExecutorService load = Executors.newVirtualThreadPerTaskExecutor();
            Future<?>[] writers = new Future<?>[4];
            for (int w = 0; w < writers.length; w++) {
                String name = "live" + w;
                writers[w] = load.submit(() -> {
                    long version = 0;
                    while (!stop.get()) {
                        try {
                            version = alice.secrets()
                                    .put(room, name, ("v" + (version + 1)).getBytes(StandardCharsets.UTF_8), version);
                            writes.incrementAndGet();
                        } catch (KeyroomApiException e) {
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> writes.get() > 50);
            KeyringDtos.KeyringStatus rotated = node.admin.keyring().rotate();
            assertThat(rotated.current()).isEqualTo(2);
            int atRotation = writes.get();
            await().atMost(Duration.ofSeconds(20)).until(() -> writes.get() > atRotation + 50);
            node.admin.keyring().rewrap();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                KeyringDtos.KeyringStatus s = node.admin.keyring().status();
                return !s.rewrapping()
                        && s.keys().stream().filter(k -> k.id() == 1).allMatch(k -> k.items() == 0);
            });
            stop.set(true);
            for (Future<?> f : writers) {
                f.get();
            }
            load.close();
            assertThat(failures.get())
                    .as("failed writes during rotation and rewrap")
                    .isZero();

            KeyringDtos.KeyringStatus retired = node.admin.keyring().retire(1);
            assertThat(retired.keys()).extracting(KeyringDtos.KeyringKey::id).containsExactly(2);
            try (var k = alice.rooms().key(sealedRoom, Optional.empty())) {
                assertThat(k.unsafeBytes())
                        .as("the room key, re-wrapped at rest")
                        .isEqualTo(roomKeyBefore);
            }
            for (int i = 0; i < 50; i += 7) {
                try (SecretValue v = alice.secrets().get(room, "seed" + i, Optional.empty())) {
                    assertThat(new String(v.value().unsafeBytes(), StandardCharsets.UTF_8))
                            .isEqualTo("seed" + i);
                }
            }
            assertThat(Files.readString(new DataDir(dir).keyring()))
                    .contains("current 2")
                    .doesNotContain("key 1 ");
        }
        // And after a restart, everything still opens under the one key left.
        try (TestNode node = TestNode.start(dir)) {
            assertThat(node.admin.keyring().status().keys())
                    .extracting(KeyringDtos.KeyringKey::id)
                    .containsExactly(2);
        }
    }

    @Test
    void aKeyStillInUse_cannotBeRetired_andOnlyAdminsTouchTheKeyring() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            KeyroomClient alice = node.client(node.register("alice", Role.MEMBER));
            RoomId room = RoomId.parse(alice.rooms().create("r").roomId());
            alice.secrets().put(room, "x", new byte[] {1}, 0);
            node.admin.keyring().rotate();
            KeyroomApiException inUse = org.assertj.core.api.Assertions.catchThrowableOfType(
                    KeyroomApiException.class, () -> node.admin.keyring().retire(1));
            assertThat(inUse.status()).isEqualTo(409);
            KeyroomApiException notAdmin = org.assertj.core.api.Assertions.catchThrowableOfType(
                    KeyroomApiException.class, alice.keyring()::rotate);
            assertThat(notAdmin.status()).isEqualTo(403);
        }
    }
}
