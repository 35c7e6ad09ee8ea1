package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.protocol.IdentityFile;
import dev.keyroom.protocol.audit.AuditChain;
import dev.keyroom.server.DataDir;
import dev.keyroom.server.RawHttp;
import dev.keyroom.server.TestNode;
import dev.keyroom.server.audit.FileAuditLog;
import dev.keyroom.testkit.FailingChannel;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LOG-4 and AZ-5: writes, denials and authentication failures leave hash-chained entries that hold
 * no secret material, only admins read them, a log that cannot be written makes writes fail closed,
 * and the chain continues across restarts and verifies offline.
 */
class AuditAttackTest {
    @TempDir
    Path dir;

    static List<AuditChain.Entry> entries(Path dataDir) throws Exception {
        List<AuditChain.Entry> out = new ArrayList<>();
        for (String line : Files.readAllLines(new DataDir(dataDir).audit().resolve("audit.log"))) {
            out.add(AuditChain.parse(line));
        }
        return out;
    }

    @Test
    void writesDenialsAndAuthFailures_areAudited_withNothingSecret_andOnlyAdminsReadThem() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            Identity aliceId = node.register("alice", Role.MEMBER);
            Identity botId = node.register("bot", Role.AGENT);
            KeyroomClient alice = node.client(aliceId);
            alice.rooms().create("ops");
            KeyroomClient bot = node.client(botId);
            assertThat(catchThrowableOfType(KeyroomApiException.class, bot.users()::list)
                            .status())
                    .isEqualTo(403);
            Identity stranger = Identity.generate(TestNode.RANDOM);
            assertThat(RawHttp.signed(node, "127.0.0.1", stranger, "GET", "/v1/me", null)
                            .status())
                    .isEqualTo(401);
            assertThat(alice.exchange("GET", "/v1/audit", null).status()).isEqualTo(403);

            List<AuditChain.Entry> log = entries(dir);
            String a = aliceId.endpoint().value();
            assertThat(log)
                    .anySatisfy(e -> {
                        assertThat(e.actor()).isEqualTo(a);
                        assertThat(e.action()).isEqualTo("POST");
                        assertThat(e.resource()).isEqualTo("/v1/rooms");
                        assertThat(e.outcome()).isEqualTo("started");
                    })
                    .anySatisfy(e -> {
                        assertThat(e.actor()).isEqualTo(a);
                        assertThat(e.resource()).isEqualTo("/v1/rooms");
                        assertThat(e.outcome()).isEqualTo("201");
                        assertThat(e.remote()).isEqualTo("127.0.0.1");
                    })
                    .anySatisfy(e -> {
                        assertThat(e.actor()).isEqualTo(botId.endpoint().value());
                        assertThat(e.resource()).isEqualTo("/v1/users");
                        assertThat(e.outcome()).isEqualTo("403 forbidden");
                    })
                    .anySatisfy(e -> {
                        assertThat(e.actor()).isEqualTo("-");
                        assertThat(e.resource()).isEqualTo("/v1/me");
                        assertThat(e.outcome()).isEqualTo("401 unauthorized");
                    })
                    .anySatisfy(e -> {
                        assertThat(e.actor()).isEqualTo(a);
                        assertThat(e.resource()).isEqualTo("/v1/audit");
                        assertThat(e.outcome()).isEqualTo("403 forbidden");
                    });
            // The strict parser refuses unknown fields: these ten are all an entry can hold.
            String raw = Files.readString(new DataDir(dir).audit().resolve("audit.log"));
            assertThat(raw).doesNotContain("sig1").doesNotContain("nonce").doesNotContain("sealed");

            KeyroomClient.Response r = node.admin.exchange("GET", "/v1/audit?after=0&limit=1000", null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(new String(r.body(), StandardCharsets.UTF_8))
                    .contains("\"prev_hash\"")
                    .contains("\"request_id\"")
                    .contains(a);
        }
    }

    @Test
    void dataPlanePublishesAndAuthFailures_areAudited() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            Identity aliceId = node.register("alice", Role.MEMBER);
            KeyroomClient alice = node.client(aliceId);
            dev.keyroom.core.rooms.RoomId room = dev.keyroom.core.rooms.RoomId.parse(
                    alice.rooms().create("ops").roomId());
            try (dev.keyroom.client.BusClient bus = alice.connectBus()) {
                bus.ready().get(10, java.util.concurrent.TimeUnit.SECONDS);
                bus.publish(room, "hello".getBytes(StandardCharsets.UTF_8))
                        .get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            try (dev.keyroom.client.BusClient stranger =
                    node.client(Identity.generate(TestNode.RANDOM)).connectBus()) {
                stranger.closedForGood().get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertThat(entries(dir))
                    .anySatisfy(e -> {
                        assertThat(e.actor()).isEqualTo(aliceId.endpoint().value());
                        assertThat(e.action()).isEqualTo("PUBLISH");
                        assertThat(e.resource()).isEqualTo("/v1/rooms/" + room.value() + "/messages");
                        assertThat(e.requestId()).startsWith("bus-");
                    })
                    .anySatisfy(e -> {
                        assertThat(e.resource()).isEqualTo("/v1/bus");
                        assertThat(e.outcome()).isEqualTo("401 unauthorized");
                        assertThat(e.remote()).isEqualTo("127.0.0.1");
                    });
        }
    }

    @Test
    void anAuditLogThatCannotBeWritten_makesWritesFailClosed_andChangesNothing() throws Exception {
        AtomicBoolean diskFull = new AtomicBoolean();
        try (TestNode node = TestNode.start(dir, "", f -> new FailingChannel(FileAuditLog.FILES.open(f), diskFull))) {
            KeyroomClient alice = node.client(node.register("alice", Role.MEMBER));
            alice.rooms().create("before");
            diskFull.set(true);

            KeyroomApiException refused = catchThrowableOfType(
                    KeyroomApiException.class, () -> alice.rooms().create("after"));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.code()).isEqualTo(ErrorCode.AUDIT_UNAVAILABLE);
            KeyroomApiException again = catchThrowableOfType(
                    KeyroomApiException.class, () -> alice.rooms().create("after again"));
            assertThat(again.status()).isEqualTo(503);

            // Nothing changed unrecorded; reads that need no audit still work.
            assertThat(alice.rooms().mine()).extracting(r -> r.name()).containsExactly("before");
        }
    }

    @Test
    void theChainContinuesAcrossRestarts_andVerifiesOfflineWithSignedCheckpoints() throws Exception {
        try (TestNode node = TestNode.start(dir)) {
            node.client(node.register("alice", Role.MEMBER)).rooms().create("one");
        }
        long firstRun = entries(dir).size();
        try (TestNode node = TestNode.start(dir)) {
            node.client(node.register("bob", Role.MEMBER)).rooms().create("two");
        }
        List<AuditChain.Entry> log = entries(dir);
        assertThat(log.size()).isGreaterThan((int) firstRun);
        assertThat(log.get((int) firstRun).prevHash())
                .isEqualTo(log.get((int) firstRun - 1).hash());

        DataDir d = new DataDir(dir);
        byte[] serverKey;
        try (Identity server = IdentityFile.read(d.serverIdentity())) {
            serverKey = server.signPub();
        }
        try (BufferedReader l = Files.newBufferedReader(d.audit().resolve("audit.log"));
                BufferedReader c = Files.newBufferedReader(d.audit().resolve("checkpoints.log"))) {
            AuditChain.Report report = AuditChain.verify(l, c, serverKey);
            assertThat(report.ok()).as(report.problem().orElse("")).isTrue();
            assertThat(report.entries()).isEqualTo(log.size());
            assertThat(report.checkpoints()).isGreaterThanOrEqualTo(2); // one at each clean stop
        }
        assertThat(Files.getPosixFilePermissions(d.audit().resolve("audit.log")))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }
}
