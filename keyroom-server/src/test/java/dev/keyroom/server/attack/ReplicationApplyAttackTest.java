package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.audit.AuditEvent;
import dev.keyroom.core.audit.AuditLog;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.store.Change;
import dev.keyroom.protocol.replication.ReplicationBatch;
import dev.keyroom.protocol.replication.ReplicationBlob;
import dev.keyroom.server.limits.BanList;
import dev.keyroom.server.replication.ApplyGate;
import dev.keyroom.store.sqlite.SqliteStore;
import dev.keyroom.testkit.Fixtures;
import dev.keyroom.testkit.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * REPL-3, REPL-5, REPL-6 at the backup's gate: only batches signed by a configured primary site
 * key, fresh, never seen before and contiguous are applied; every attempt is audited with source,
 * count and outcome; a source that keeps failing is banned for an hour; a source is held to 60
 * batches a minute.
 */
class ReplicationApplyAttackTest {
    @TempDir
    Path dir;

    final TestClock clock = TestClock.atSystemTime();
    final List<AuditEvent> audited = new CopyOnWriteArrayList<>();
    final AuditLog audit = new AuditLog() {
        @Override
        public void record(AuditEvent event) {
            audited.add(event);
        }

        @Override
        public void requireAvailable() {}
    };
    Identity primary;
    SqliteStore backup;
    ApplyGate gate;
    int nonce;

    @BeforeEach
    void setUp() {
        primary = Identity.generate(Fixtures.RANDOM);
        backup = SqliteStore.open(dir.resolve("backup.db"));
        gate = new ApplyGate(
                List.of(primary.signPub()),
                clock,
                audit,
                new BanList(backup.bans(), clock, 200, Duration.ofMinutes(15)));
    }

    @AfterEach
    void tearDown() {
        backup.close();
        primary.close();
    }

    ReplicationBatch.Signed batch(Identity key, long firstSeq, List<byte[]> changes) {
        return ReplicationBatch.sign(key, 1, firstSeq, changes, "nonce-" + "0".repeat(16) + nonce++, clock.now());
    }

    static List<byte[]> twoUsers() {
        return List.of(
                new Change.CreateUser(Fixtures.user("a", Role.MEMBER)).encode(),
                new Change.CreateUser(Fixtures.user("b", Role.AGENT)).encode());
    }

    ApplyGate.Batch check(ReplicationBatch.Signed s) {
        return gate.check("192.0.2.1", s.key(), s.signature(), s.body(), "req");
    }

    static void assertRefused(Runnable r, ErrorCode code, String why) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(KeyroomException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).contains(why);
        });
    }

    @Test
    void REPL_3_aSignedFreshBatch_isApplied_andAudited() {
        ApplyGate.Batch v = check(batch(primary, 1, twoUsers()));
        assertThat(backup.siteLog().applyChanges(1, v.batch().firstSeq(), v.changes()))
                .isEqualTo(2);
        gate.outcome("192.0.2.1", v.verified(), "applied", "req");
        assertThat(backup.users().list()).hasSize(2);
        assertThat(audited.getLast().outcome()).isEqualTo("applied (2 changes)");
        assertThat(audited.getLast().remote()).isEqualTo("192.0.2.1");
    }

    @Test
    void REPL_3_unknownKey_tampered_replayed_orStale_isRefused_andAudited() {
        try (Identity stranger = Identity.generate(Fixtures.RANDOM)) {
            assertRefused(
                    () -> check(batch(stranger, 1, twoUsers())), ErrorCode.UNAUTHORIZED, "not signed by a primary");
        }
        ReplicationBatch.Signed good = batch(primary, 1, twoUsers());
        byte[] tampered = good.body().clone();
        tampered[tampered.length / 2] ^= 1;
        assertRefused(
                () -> gate.check("192.0.2.1", good.key(), good.signature(), tampered, "req"),
                ErrorCode.UNAUTHORIZED,
                "bad batch signature");
        check(good);
        assertRefused(() -> check(good), ErrorCode.UNAUTHORIZED, "replayed batch");
        ReplicationBatch.Signed old = batch(primary, 1, twoUsers());
        clock.advance(Duration.ofSeconds(301));
        assertRefused(() -> check(old), ErrorCode.UNAUTHORIZED, "older than 300 s");
        assertThat(audited).filteredOn(e -> e.outcome().startsWith("refused")).hasSize(4);
        assertThat(audited).allSatisfy(e -> {
            assertThat(e.action()).isEqualTo("REPLICATE");
            assertThat(e.remote()).isEqualTo("192.0.2.1");
            assertThat(e.outcome()).matches(".*\\((\\d+ changes|a batch not read)\\)");
        });
        assertThat(backup.users().list()).isEmpty();
    }

    @Test
    void REPL_6_aBatchWithAGap_isRefusedWithTheWatermark_andAppliesNothing() {
        ApplyGate.Batch first = check(batch(primary, 1, twoUsers()));
        backup.siteLog().applyChanges(1, first.batch().firstSeq(), first.changes());
        ApplyGate.Batch gap = check(batch(primary, 5, twoUsers()));
        assertRefused(
                () -> backup.siteLog().applyChanges(1, gap.batch().firstSeq(), gap.changes()),
                ErrorCode.CONFLICT,
                "up to 2");
        assertThat(backup.users().list()).hasSize(2);
    }

    @Test
    void REPL_5_tenFailedAuthentications_banTheSourceForAnHour_evenForAGoodBatch() {
        try (Identity stranger = Identity.generate(Fixtures.RANDOM)) {
            for (int i = 0; i < ApplyGate.FAILURES_BEFORE_BAN; i++) {
                assertRefused(() -> check(batch(stranger, 1, twoUsers())), ErrorCode.UNAUTHORIZED, "not signed");
            }
        }
        assertRefused(() -> check(batch(primary, 1, twoUsers())), ErrorCode.FORBIDDEN, "banned");
        assertThat(backup.bans().active(clock.now()))
                .extracting(b -> b.subject())
                .contains("replication:192.0.2.1");
        // Another source is not affected.
        ReplicationBatch.Signed s = batch(primary, 1, twoUsers());
        assertThat(gate.check("192.0.2.2", s.key(), s.signature(), s.body(), "req")
                        .changes())
                .hasSize(2);
    }

    @Test
    void REPL_3_aBlobStamp_byAnUnknownKey_tampered_replayed_stale_orMalformed_isRefused_andAudited() {
        String room = "0123456789abcdef0123456789abcdef";
        String sha = "ab".repeat(32);
        java.util.function.BiFunction<Identity, String, ReplicationBlob.Signed> stamp =
                (key, addr) -> ReplicationBlob.sign(
                        key, ReplicationBlob.of(1, room, addr, 10, "blob-" + "0".repeat(16) + nonce++, clock.now()));
        java.util.function.Function<ReplicationBlob.Signed, ApplyGate.Verified<ReplicationBlob>> checkBlob =
                s -> gate.checkBlob("192.0.2.1", s.key(), s.signature(), s.stamp(), "req");
        try (Identity stranger = Identity.generate(Fixtures.RANDOM)) {
            assertRefused(
                    () -> checkBlob.apply(stamp.apply(stranger, sha)),
                    ErrorCode.UNAUTHORIZED,
                    "not signed by a primary");
        }
        ReplicationBlob.Signed good = stamp.apply(primary, sha);
        // Another address under the same signature: the stamp is what is signed.
        ReplicationBlob.Signed other = stamp.apply(primary, "cd".repeat(32));
        assertRefused(
                () -> gate.checkBlob("192.0.2.1", good.key(), good.signature(), other.stamp(), "req"),
                ErrorCode.UNAUTHORIZED,
                "bad blob signature");
        assertThat(checkBlob.apply(good).message().sha256()).isEqualTo(sha);
        assertRefused(() -> checkBlob.apply(good), ErrorCode.UNAUTHORIZED, "replayed blob");
        assertRefused(() -> checkBlob.apply(stamp.apply(primary, "not-hex")), ErrorCode.BAD_REQUEST, "malformed");
        ReplicationBlob.Signed old = stamp.apply(primary, sha);
        clock.advance(Duration.ofSeconds(301));
        assertRefused(() -> checkBlob.apply(old), ErrorCode.UNAUTHORIZED, "older than 300 s");
        assertRefused(
                () -> gate.checkBlob("192.0.2.1", good.key(), good.signature(), null, "req"),
                ErrorCode.BAD_REQUEST,
                "no blob stamp");
        assertThat(audited).filteredOn(e -> e.outcome().startsWith("refused")).hasSize(6);
        assertThat(audited).allSatisfy(e -> assertThat(e.remote()).isEqualTo("192.0.2.1"));
    }

    @Test
    void REPL_5_aSourceIsHeldTo60BatchesAMinute() {
        for (int i = 0; i < 60; i++) {
            check(batch(primary, 1, List.of()));
        }
        assertRefused(() -> check(batch(primary, 1, List.of())), ErrorCode.RATE_LIMITED, "too many batches");
    }
}
