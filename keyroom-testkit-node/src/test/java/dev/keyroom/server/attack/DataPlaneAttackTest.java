package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keyroom.client.BusClient;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.protocol.bus.Frame;
import dev.keyroom.server.Inbox;
import dev.keyroom.server.RawWebSocket;
import dev.keyroom.server.TestNode;
import dev.keyroom.server.TwoMemberRoomTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The WebSocket data plane: live delivery, catch-up, eviction, revocation, in-band auth. */
class DataPlaneAttackTest extends TwoMemberRoomTest {

    @Test
    void liveMessages_areDeliveredEncryptedAndVerified_andPublishIsAcknowledged() throws Exception {
        try (BusClient bobBus = bob.connectBus();
                BusClient aliceBus = alice.connectBus()) {
            Inbox inbox = new Inbox();
            bobBus.subscribe(room, 0, inbox);
            bobBus.ready().get(10, TimeUnit.SECONDS);
            aliceBus.ready().get(10, TimeUnit.SECONDS);
            Thread.sleep(200);
            long seq = aliceBus.publish(room, "over the bus".getBytes(StandardCharsets.UTF_8))
                    .get(10, TimeUnit.SECONDS);
            alice.messages().publish(room, "over REST".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(5)).until(() -> inbox.got.size() == 2);
            assertThat(inbox.texts()).containsExactly("over the bus", "over REST");
            assertThat(inbox.got.getFirst().seq()).isEqualTo(seq);
        }
    }

    @Test
    void aSubscription_getsTheStoredMessagesAfterItsSequenceAtOnce_thenLiveOnes() throws Exception {
        alice.messages().publish(room, "s1".getBytes());
        alice.messages().publish(room, "s2".getBytes());
        alice.messages().publish(room, "s3".getBytes());
        try (BusClient bobBus = bob.connectBus()) {
            Inbox all = new Inbox();
            Inbox afterTwo = new Inbox();
            bobBus.subscribe(room, 0, all);
            await().atMost(Duration.ofSeconds(10)).until(() -> all.got.size() >= 3);
            try (BusClient second = node.client(bobId).connectBus()) {
                second.subscribe(room, 2, afterTwo);
                await().atMost(Duration.ofSeconds(10)).until(() -> afterTwo.got.size() >= 1);
                alice.messages().publish(room, "live".getBytes());
                await().atMost(Duration.ofSeconds(10)).until(() -> all.got.size() >= 4 && afterTwo.got.size() >= 2);
                Thread.sleep(300);
                assertThat(all.texts()).containsExactly("s1", "s2", "s3", "live");
                assertThat(afterTwo.texts()).containsExactly("s3", "live");
                assertThat(all.seqs()).containsExactly(1L, 2L, 3L, 4L);
            }
        }
    }

    @Test
    void reconnect_catchesUpWithoutLossOrDuplication() throws Exception {
        try (BusClient bobBus = bob.connectBus()) {
            Inbox inbox = new Inbox();
            bobBus.subscribe(room, 0, inbox);
            bobBus.ready().get(10, TimeUnit.SECONDS);
            Thread.sleep(200);
            alice.messages().publish(room, "m1".getBytes());
            await().atMost(Duration.ofSeconds(5)).until(() -> inbox.got.size() == 1);
            bobBus.dropConnectionForTest();
            alice.messages().publish(room, "m2".getBytes());
            alice.messages().publish(room, "m3".getBytes());
            await().atMost(Duration.ofSeconds(10)).until(() -> inbox.got.size() >= 3);
            alice.messages().publish(room, "m4".getBytes());
            await().atMost(Duration.ofSeconds(5)).until(() -> inbox.got.size() >= 4);
            Thread.sleep(300);
            assertThat(inbox.texts()).containsExactly("m1", "m2", "m3", "m4");
        }
    }

    @Test
    void removal_evictsTheLiveSubscriptionAtOnce() throws Exception {
        // AZ-7: removal takes effect on the live subscription, not at the next reconnect.
        try (BusClient bobBus = bob.connectBus()) {
            Inbox inbox = new Inbox();
            bobBus.subscribe(room, 0, inbox);
            bobBus.ready().get(10, TimeUnit.SECONDS);
            Thread.sleep(200);
            alice.rooms().rekey(room, Set.of(bobId.endpoint()));
            await().atMost(Duration.ofSeconds(1)).until(() -> !inbox.evicted.isEmpty());
            alice.messages().publish(room, "after removal".getBytes());
            Thread.sleep(300);
            assertThat(inbox.got).isEmpty();
            // Resubscribing is refused: the membership is checked on every subscribe.
            Inbox again = new Inbox();
            bobBus.subscribe(room, 0, again);
            Thread.sleep(300);
            assertThat(again.got).isEmpty();
        }
    }

    @Test
    void revocation_closesLiveSessionsAtOnce() throws Exception {
        // AUTH-8: a revoked identity's live sessions are closed, with a reason.
        try (BusClient bobBus = bob.connectBus()) {
            bobBus.subscribe(room, 0, new Inbox());
            bobBus.ready().get(10, TimeUnit.SECONDS);
            node.admin.users().revoke(bobId.endpoint());
            BusClient.Closed closed = bobBus.closedForGood().get(1, TimeUnit.SECONDS);
            assertThat(closed.code()).isEqualTo(4001);
            assertThat(closed.reason()).contains("revoked");
        }
    }

    @Test
    void staleEpochPublish_overTheBus_isRefused() throws Exception {
        // AZ-7: publishing at a stale epoch is refused on the data plane too.
        try (BusClient bobBus = bob.connectBus()) {
            bobBus.ready().get(10, TimeUnit.SECONDS);
            var sealedOld = bob.messages().history(room, 0, 1); // warm bob's key cache at epoch 1
            assertThat(sealedOld).isEmpty();
            java.util.concurrent.CompletableFuture<Long> before = bobBus.publish(room, "epoch 1".getBytes());
            assertThat(before.get(10, TimeUnit.SECONDS)).isPositive();
            alice.rooms().rekey(room, Set.of());
            // The SDK seals with the room's current epoch, so forge an old one by hand.
            dev.keyroom.protocol.envelope.Envelope old;
            try (var k1 = bob.rooms().key(room, java.util.Optional.of(1L))) {
                old = dev.keyroom.protocol.envelope.MessageCrypto.seal(
                        bobId, room, 1, k1, "late".getBytes(), TestNode.RANDOM, dev.keyroom.core.port.Clock.system());
            }
            KeyroomClient.Response r = bob.exchange(
                    "POST",
                    "/v1/rooms/" + room.value() + "/messages",
                    ("{\"envelope\":\"" + dev.keyroom.core.crypto.Base64Url.encode(old.encode()) + "\"}").getBytes());
            assertThat(r.status()).isEqualTo(409);
        }
    }

    @Test
    void wrongSignatureOnTheChallenge_isRefused() throws Exception {
        // AUTH-10: the data plane authenticates in-band; a stranger's signature is refused.
        Identity stranger = Identity.generate(TestNode.RANDOM);
        try (BusClient bus = node.client(stranger).connectBus()) {
            BusClient.Closed closed = bus.closedForGood().get(10, TimeUnit.SECONDS);
            assertThat(closed.code()).isEqualTo(4002);
        }
    }

    @Test
    void aLoginSignedForAnotherAuthority_isRefused() throws Exception {
        // AUTH-10, AUTH-1: a server the victim signs in to (evil.example) relays our challenge; the
        // victim's answer is signed for evil.example, so it must not open a session here.
        try (RawWebSocket ws = RawWebSocket.open(node, "127.0.0.1", "evil.example")) {
            if (ws.status == 101) {
                RawWebSocket.Received challenge = ws.receive();
                assertThat(challenge.frame()).isInstanceOf(Frame.Challenge.class);
                byte[] nonce = ((Frame.Challenge) challenge.frame()).nonce();
                ws.send(new Frame.Auth(bobId.endpoint(), bobId.sign(Frame.authMessage(nonce, "evil.example"))));
                RawWebSocket.Received answer = ws.receive();
                assertThat(answer.frame())
                        .as("no session for a login meant for another server")
                        .isNull();
                assertThat(answer.closeCode()).isEqualTo(4002);
            } else {
                assertThat(ws.status).isEqualTo(401);
            }
        }
        // The same login for this server's own authority is accepted.
        try (RawWebSocket ws = RawWebSocket.open(node, "127.0.0.1", node.uri().getRawAuthority())) {
            assertThat(ws.status).isEqualTo(101);
            byte[] nonce = ((Frame.Challenge) ws.receive().frame()).nonce();
            ws.send(new Frame.Auth(
                    bobId.endpoint(),
                    bobId.sign(Frame.authMessage(nonce, node.uri().getRawAuthority()))));
            assertThat(ws.receive().frame()).isInstanceOf(Frame.AuthOk.class);
        }
    }

    @Test
    void slowConsumer_isDisconnected_whileOthersKeepReceiving() throws Exception {
        // DOS-6: a subscriber that stops reading is cut off; memory does not grow; others are served.
        node.close();
        node = TestNode.start(
                dir, "bus: {max_queued_frames: 16}\nlimits: {rate_per_identity: 100000, burst_per_identity: 100000}");
        KeyroomClient a = node.client(aliceId);
        KeyroomClient b = node.client(bobId);
        java.util.concurrent.CountDownLatch stuck = new java.util.concurrent.CountDownLatch(1);
        try (BusClient slow = b.connectBus();
                BusClient honest = a.connectBus()) {
            slow.subscribe(room, 0, d -> {
                try {
                    stuck.await(60, TimeUnit.SECONDS); // never reads again: its socket fills up
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Inbox inbox = new Inbox();
            honest.subscribe(room, 0, inbox);
            slow.ready().get(10, TimeUnit.SECONDS);
            honest.ready().get(10, TimeUnit.SECONDS);
            Thread.sleep(200);
            io.micrometer.core.instrument.Gauge sessions =
                    node.server.metrics().get("keyroom.bus.sessions").gauge();
            assertThat(sessions.value()).isEqualTo(2.0);
            byte[] big = new byte[60_000];
            int n = 300;
            for (int i = 0; i < n; i++) {
                a.messages().publish(room, big);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> inbox.got.size() == n);
            await().atMost(Duration.ofSeconds(10)).until(() -> sessions.value() == 1.0);
        } finally {
            stuck.countDown();
        }
    }

    @Test
    void publishesOverTheBus_countAgainstTheIdentityRateLimit() throws Exception {
        // DOS-3: the per-identity limit covers the data plane too.
        node.close();
        node = TestNode.start(dir, "limits: {rate_per_identity: 1, burst_per_identity: 3}");
        try (BusClient bus = node.client(bobId).connectBus()) {
            bus.ready().get(10, TimeUnit.SECONDS);
            int refused = 0;
            for (int i = 0; i < 8; i++) {
                try {
                    bus.publish(room, ("x" + i).getBytes()).get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof dev.keyroom.client.KeyroomApiException k
                            && k.code() == dev.keyroom.core.error.ErrorCode.RATE_LIMITED) {
                        refused++;
                    }
                }
            }
            assertThat(refused).isGreaterThanOrEqualTo(3);
        }
    }
}
