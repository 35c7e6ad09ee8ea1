package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.client.SecretValue;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.protocol.audit.AuditChain;
import dev.keyroom.server.DataDir;
import dev.keyroom.server.TestNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AZ-6, DOS-7, SEC-2, SEC-5: the vault against agents that harvest, outsiders, racing writers and a stolen disk. */
class VaultAttackTest {
    @TempDir
    Path dir;

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(KeyroomClient c, RoomId room, String name) {
        try (SecretValue v = c.secrets().get(room, name, Optional.empty())) {
            return new String(v.value().unsafeBytes(), StandardCharsets.UTF_8);
        }
    }

    static int status(Runnable r) {
        return catchThrowableOfType(KeyroomApiException.class, r::run).status();
    }

    @Test
    void anAgentCannotList_anOutsiderGets404_andAReaderCannotWrite() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            KeyroomClient alice = node.client(node.register("alice", Role.MEMBER));
            Identity botId = node.register("bot", Role.AGENT);
            Identity readerId = node.register("reader", Role.MEMBER);
            KeyroomClient outsider = node.client(node.register("eve", Role.MEMBER));
            RoomId room = RoomId.parse(alice.rooms().create("ops").roomId());
            alice.rooms().invite(room, botId.endpoint(), RoomRole.MEMBER);
            alice.rooms().invite(room, readerId.endpoint(), RoomRole.READER);
            alice.secrets().put(room, "db/password", utf8("s3cret"), 0);

            KeyroomClient bot = node.client(botId);
            assertThat(status(() -> bot.secrets().list(room))).isEqualTo(403);
            assertThat(text(bot, room, "db/password")).isEqualTo("s3cret");
            assertThat(alice.secrets().list(room)).extracting(s -> s.name()).containsExactly("db/password");

            assertThat(status(() -> outsider.secrets().get(room, "db/password", Optional.empty())))
                    .isEqualTo(404);
            assertThat(status(() -> outsider.secrets().list(room))).isEqualTo(404);
            KeyroomClient reader = node.client(readerId);
            assertThat(text(reader, room, "db/password")).isEqualTo("s3cret");
            assertThat(status(() -> reader.secrets().put(room, "db/password", utf8("mine"), 1)))
                    .isEqualTo(403);
            assertThat(catchThrowableOfType(
                            IllegalArgumentException.class,
                            () -> alice.secrets().put(room, "a/../b", utf8("x"), 0)))
                    .hasMessageContaining("'..'");
            assertThat(alice.exchange(
                                    "PUT",
                                    "/v1/rooms/" + room.value() + "/secrets/bad%20name",
                                    utf8("{\"value\":\"eA\",\"if_version\":0}"))
                            .status())
                    .isEqualTo(400);
            assertThat(catchThrowableOfType(
                            IllegalArgumentException.class,
                            () -> alice.secrets().put(room, "bad name", utf8("x"), 0)))
                    .hasMessageContaining("secret names");
        }
    }

    @Test
    void aRacingWriteLosesOnIfVersion_versionsAreKeptToFive_andDeletesAreTombstones() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            KeyroomClient alice = node.client(node.register("alice", Role.MEMBER));
            Identity bobId = node.register("bob", Role.MEMBER);
            RoomId room = RoomId.parse(alice.rooms().create("ops").roomId());
            alice.rooms().invite(room, bobId.endpoint(), RoomRole.MEMBER);
            KeyroomClient bob = node.client(bobId);

            assertThat(alice.secrets().put(room, "token", utf8("v1"), 0)).isEqualTo(1);
            KeyroomApiException lost = catchThrowableOfType(
                    KeyroomApiException.class, () -> bob.secrets().put(room, "token", utf8("b"), 0));
            assertThat(lost.status()).isEqualTo(409);
            assertThat(bob.secrets().put(room, "token", utf8("v2"), 1)).isEqualTo(2);
            for (int v = 3; v <= 7; v++) {
                alice.secrets().put(room, "token", utf8("v" + v), v - 1);
            }
            assertThat(text(alice, room, "token")).isEqualTo("v7");
            assertThat(status(() -> alice.secrets().get(room, "token", Optional.of(2L))))
                    .isEqualTo(404);
            try (SecretValue v3 = alice.secrets().get(room, "token", Optional.of(3L))) {
                assertThat(v3.value().unsafeBytes()).isEqualTo(utf8("v3"));
                assertThat(v3.toString()).doesNotContain("v3").contains("REDACTED");
            }

            alice.secrets().delete(room, "token");
            assertThat(status(() -> alice.secrets().get(room, "token", Optional.empty())))
                    .isEqualTo(404);
            assertThat(alice.secrets().list(room)).isEmpty();
            assertThat(status(() -> alice.secrets().delete(room, "token"))).isEqualTo(404);
            KeyroomApiException blind = catchThrowableOfType(
                    KeyroomApiException.class, () -> alice.secrets().put(room, "token", utf8("x"), 0));
            assertThat(blind.status()).isEqualTo(409);
            assertThat(blind.getMessage()).contains("version 8 (deleted)");
            assertThat(alice.secrets().put(room, "token", utf8("again"), 8)).isEqualTo(9);

            // The room keeps fewer versions from now on; older ones go at once.
            assertThat(alice.rooms().setRetention(room, null, null, 2).secretVersions())
                    .isEqualTo(2);
            assertThat(status(() -> alice.secrets().get(room, "token", Optional.of(7L))))
                    .isEqualTo(404);
            assertThat(text(alice, room, "token")).isEqualTo("again");
            alice.secrets().put(room, "token", utf8("latest"), 9);
            assertThat(status(() -> alice.secrets().get(room, "token", Optional.of(8L))))
                    .isEqualTo(404);
            try (SecretValue v9 = alice.secrets().get(room, "token", Optional.of(9L))) {
                assertThat(v9.value().unsafeBytes()).isEqualTo(utf8("again"));
            }
            assertThat(status(() -> bob.rooms().setRetention(room, null, null, 100)))
                    .isEqualTo(403);
        }
    }

    @Test
    void aHarvestingAgentIsLocked_staysLockedAcrossARestart_untilAnAdminUnlocksIt() throws Exception {
        Identity botId;
        RoomId room;
        try (TestNode node = TestNode.start(dir)) {
            KeyroomClient alice = node.client(node.register("alice", Role.MEMBER));
            botId = node.register("bot", Role.AGENT);
            room = RoomId.parse(alice.rooms().create("ops").roomId());
            alice.rooms().invite(room, botId.endpoint(), RoomRole.MEMBER);
            for (int i = 1; i <= 6; i++) {
                alice.secrets().put(room, "s" + i, utf8("value" + i), 0);
            }
            KeyroomClient bot = node.client(botId);
            for (int i = 1; i <= 3; i++) {
                assertThat(text(bot, room, "s" + i)).isEqualTo("value" + i);
            }
            assertThat(text(bot, room, "s1")).isEqualTo("value1"); // the same secret again is not a new one
            KeyroomApiException first = catchThrowableOfType(KeyroomApiException.class, () -> text(bot, room, "s4"));
            assertThat(first.status()).isEqualTo(429);
            KeyroomApiException second = catchThrowableOfType(KeyroomApiException.class, () -> text(bot, room, "s5"));
            assertThat(second.status()).isEqualTo(403);
            assertThat(second.code()).isEqualTo(ErrorCode.AGENT_LOCKED);
            assertThat(status(() -> text(bot, room, "s1"))).isEqualTo(403);
        }
        try (TestNode node = TestNode.start(dir)) {
            KeyroomClient bot = node.client(botId);
            KeyroomApiException still = catchThrowableOfType(
                    KeyroomApiException.class, () -> bot.users().me());
            assertThat(still.code()).isEqualTo(ErrorCode.AGENT_LOCKED);

            node.admin.users().unlock(botId.endpoint());
            assertThat(bot.users().me().status()).isEqualTo("active");

            List<AuditChain.Entry> log = Files.readAllLines(
                            new DataDir(dir).audit().resolve("audit.log"))
                    .stream()
                    .map(l -> {
                        try {
                            return AuditChain.parse(l);
                        } catch (AuditChain.FormatException e) {
                            throw new AssertionError(e);
                        }
                    })
                    .toList();
            assertThat(log)
                    .anySatisfy(e -> assertThat(e.outcome()).isEqualTo("429 rate_limited"))
                    .anySatisfy(e -> assertThat(e.outcome()).isEqualTo("403 agent_locked"));
        }
    }

    @Test
    void anAgentProbingNamesWithWrites_spendsItsAllowance_andIsLocked() throws Exception {
        // AZ-6: a write with an impossible if_version (or a delete) tells existence and version by
        // its answer, so each distinct name an agent touches that way counts as a read would.
        try (TestNode node = TestNode.start(dir)) {
            KeyroomClient alice = node.client(node.register("alice", Role.MEMBER));
            Identity botId = node.register("bot", Role.AGENT);
            RoomId room = RoomId.parse(alice.rooms().create("ops").roomId());
            alice.rooms().invite(room, botId.endpoint(), RoomRole.MEMBER);
            alice.secrets().put(room, "prod/db", utf8("s3cret"), 0);
            alice.secrets().put(room, "prod/api", utf8("k3y"), 0);
            KeyroomClient bot = node.client(botId);
            String probe = "{\"value\":\"eA\",\"if_version\":999999}";
            String[] guesses = {"prod/db", "prod/api", "prod/ssh", "prod/aws", "prod/gcp", "prod/tls"};
            int[] statuses = new int[guesses.length];
            for (int i = 0; i < guesses.length; i++) {
                statuses[i] = bot.exchange("PUT", "/v1/rooms/" + room.value() + "/secrets/" + guesses[i], utf8(probe))
                        .status();
            }
            // Three distinct names a minute, as for reads: the fourth probe is refused before the
            // store is asked, the fifth locks the agent.
            assertThat(statuses[0]).isEqualTo(409);
            assertThat(statuses[1]).isEqualTo(409);
            assertThat(statuses[2]).isEqualTo(409);
            assertThat(statuses[3]).isEqualTo(429);
            assertThat(statuses[4]).isEqualTo(403);
            assertThat(statuses[5]).isEqualTo(403);
            assertThat(catchThrowableOfType(
                                    KeyroomApiException.class, () -> bot.users().me())
                            .code())
                    .isEqualTo(ErrorCode.AGENT_LOCKED);
            // A delete probes the same way and is counted the same way.
            Identity bot2Id = node.register("bot2", Role.AGENT);
            alice.rooms().invite(room, bot2Id.endpoint(), RoomRole.MEMBER);
            KeyroomClient bot2 = node.client(bot2Id);
            for (String g : new String[] {"a", "b", "c"}) {
                assertThat(status(() -> bot2.secrets().delete(room, g))).isEqualTo(404);
            }
            assertThat(status(() -> bot2.secrets().delete(room, "d"))).isEqualTo(429);
            // An agent that provisions new names is not held back: creating a name that does not
            // exist tells nothing and costs nothing; finding one taken counts like a read.
            Identity provisionerId = node.register("provisioner", Role.AGENT);
            alice.rooms().invite(room, provisionerId.endpoint(), RoomRole.MEMBER);
            KeyroomClient provisioner = node.client(provisionerId);
            for (String n : new String[] {"tls/cert", "tls/key", "tls/chain", "tls/ocsp", "tls/full"}) {
                assertThat(provisioner.secrets().put(room, n, utf8("pem"), 0)).isEqualTo(1);
            }
            assertThat(provisioner.users().me().status()).isEqualTo("active");
            for (String taken : new String[] {"prod/db", "prod/api", "tls/x"}) {
                if (taken.equals("tls/x")) {
                    alice.secrets().put(room, taken, utf8("x"), 0);
                }
                assertThat(status(() -> provisioner.secrets().put(room, taken, utf8("mine"), 0)))
                        .isEqualTo(409);
            }
            assertThat(status(() -> provisioner.secrets().put(room, "tls/cert", utf8("pem2"), 1)))
                    .as("three names found taken this minute; a fourth existing name is a breach")
                    .isEqualTo(429);
            // Nothing was written by any probe.
            assertThat(text(alice, room, "prod/db")).isEqualTo("s3cret");
            assertThat(alice.secrets().list(room))
                    .extracting(x -> x.name())
                    .containsExactlyInAnyOrder(
                            "prod/api", "prod/db", "tls/cert", "tls/key", "tls/chain", "tls/ocsp", "tls/full", "tls/x");
        }
    }

    @Test
    void aStolenDatabaseHoldsNoSecretValue_andAMovedRowIsReportedNotServed() throws Exception {
        String clearValue = "correct-horse-battery-staple-cleartext";
        String e2eValue = "correct-horse-battery-staple-encrypted";
        RoomId clear;
        RoomId e2e;
        Identity aliceId;
        byte[] sealedKeyAsServed;
        try (TestNode node = TestNode.start(dir)) {
            aliceId = node.register("alice", Role.MEMBER);
            KeyroomClient alice = node.client(aliceId);
            clear = RoomId.parse(alice.rooms().createCleartext("plain").roomId());
            e2e = RoomId.parse(alice.rooms().create("sealed").roomId());
            alice.secrets().put(clear, "a", utf8(clearValue), 0);
            alice.secrets().put(clear, "b", utf8("the other one"), 0);
            alice.secrets().put(e2e, "k", utf8(e2eValue), 0);
            assertThat(text(alice, clear, "a")).isEqualTo(clearValue);
            assertThat(text(alice, e2e, "k")).isEqualTo(e2eValue);
            String servedKey = new String(
                    alice.exchange("GET", "/v1/rooms/" + e2e.value() + "/key", null)
                            .body(),
                    StandardCharsets.UTF_8);
            sealedKeyAsServed =
                    Base64.getUrlDecoder().decode(servedKey.replaceAll(".*\"sealed_key\":\"([^\"]+)\".*", "$1"));
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().equals("keyring"))
                    .toList();
        }
        String hpke = new String(java.util.Arrays.copyOf(sealedKeyAsServed, 48), StandardCharsets.ISO_8859_1);
        for (Path f : files) {
            String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            assertThat(bytes)
                    .as("the sealed room key, wrapped again at rest: " + f)
                    .doesNotContain(hpke);
            for (String v : List.of(clearValue, e2eValue)) {
                assertThat(bytes).as(f.toString()).doesNotContain(v);
                assertThat(bytes)
                        .as(f.toString())
                        .doesNotContain(Base64.getUrlEncoder().withoutPadding().encodeToString(utf8(v)));
            }
        }

        // An insider moves secret a's sealed value into secret b's row.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + new DataDir(dir).database())) {
            byte[] nonce;
            byte[] ct;
            int key;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT key_id, nonce, ciphertext FROM secrets WHERE room_id = ? AND name = 'a'")) {
                ps.setString(1, clear.value());
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    key = rs.getInt(1);
                    nonce = rs.getBytes(2);
                    ct = rs.getBytes(3);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE secrets SET key_id = ?, nonce = ?, ciphertext = ? WHERE room_id = ? AND name = 'b'")) {
                ps.setInt(1, key);
                ps.setBytes(2, nonce);
                ps.setBytes(3, ct);
                ps.setString(4, clear.value());
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }
        try (TestNode node = TestNode.start(dir)) {
            KeyroomClient alice = node.client(aliceId);
            KeyroomApiException refused =
                    catchThrowableOfType(KeyroomApiException.class, () -> text(alice, clear, "b"));
            assertThat(refused.status()).isEqualTo(500);
            assertThat(refused.getMessage()).doesNotContain(clearValue);
            assertThat(text(alice, clear, "a")).isEqualTo(clearValue);
        }
    }
}
