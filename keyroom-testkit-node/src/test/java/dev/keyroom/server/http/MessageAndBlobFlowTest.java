package dev.keyroom.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.client.BlobRef;
import dev.keyroom.client.Delivery;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.server.TwoMemberRoomTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Encrypt, sign, publish, read and decrypt across two SDK clients; blobs the same way. */
class MessageAndBlobFlowTest extends TwoMemberRoomTest {

    static String text(Delivery d) {
        assertThat(d).isInstanceOf(Delivery.Accepted.class);
        return new String(((Delivery.Accepted) d).plaintext(), StandardCharsets.UTF_8);
    }

    @Test
    void roomRetention_isSetByTheOwner_appliesAtOnce_andFallsBackToTheDefault() {
        for (int i = 1; i <= 5; i++) {
            alice.messages().publish(room, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        assertThat(bob.rooms().retention(room).retainCount()).isEqualTo(10_000);
        assertThat(bob.rooms().retention(room).roomRetainCount()).isNull();

        var set = alice.rooms().setRetention(room, 2, null, null);
        assertThat(set.retainCount()).isEqualTo(2);
        assertThat(set.roomRetainCount()).isEqualTo(2);
        assertThat(set.retainDays()).isEqualTo(30);
        assertThat(bob.messages().history(room, 0, 100))
                .extracting(Delivery::seq)
                .containsExactly(4L, 5L);
        alice.messages().publish(room, "m6".getBytes(StandardCharsets.UTF_8));
        assertThat(bob.messages().history(room, 0, 100))
                .extracting(Delivery::seq)
                .containsExactly(5L, 6L);

        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(
                                dev.keyroom.client.KeyroomApiException.class,
                                () -> bob.rooms().setRetention(room, 1000, null, null))
                        .status())
                .isEqualTo(403);
        assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(
                                dev.keyroom.client.KeyroomApiException.class,
                                () -> alice.rooms().setRetention(room, 0, null, null))
                        .status())
                .isEqualTo(400);

        assertThat(alice.rooms().setRetention(room, null, null, null).retainCount())
                .isEqualTo(10_000);
        alice.messages().publish(room, "m7".getBytes(StandardCharsets.UTF_8));
        assertThat(bob.messages().history(room, 0, 100))
                .extracting(Delivery::seq)
                .containsExactly(5L, 6L, 7L);
    }

    @Test
    void messages_travelEncryptedAndSigned_betweenMembers() throws Exception {
        long s1 = alice.messages().publish(room, "deploy build 42".getBytes(StandardCharsets.UTF_8));
        long s2 = bob.messages().publish(room, "done".getBytes(StandardCharsets.UTF_8));
        assertThat(s2).isEqualTo(s1 + 1);
        List<Delivery> seen = bob.messages().history(room, 0, 100);
        assertThat(seen).extracting(Delivery::seq).containsExactly(s1, s2);
        assertThat(text(seen.get(0))).isEqualTo("deploy build 42");
        assertThat(((Delivery.Accepted) seen.get(0)).sender()).isEqualTo(aliceId.endpoint());
        assertThat(text(alice.messages().history(room, s1, 100).getFirst())).isEqualTo("done");
        // The server holds only ciphertext.
        byte[] db = Files.readAllBytes(dir.resolve("keyroom.db"));
        assertThat(new String(db, StandardCharsets.ISO_8859_1)).doesNotContain("deploy build 42");
    }

    @Test
    void afterRekey_oldMessagesStillOpen_andNewOnesUseTheNewEpoch() {
        alice.messages().publish(room, "epoch one".getBytes(StandardCharsets.UTF_8));
        alice.rooms().rekey(room, Set.of());
        alice.messages().publish(room, "epoch two".getBytes(StandardCharsets.UTF_8));
        List<Delivery> seen = bob.messages().history(room, 0, 100);
        assertThat(seen).extracting(d -> ((Delivery.Accepted) d).epoch()).containsExactly(1L, 2L);
        assertThat(text(seen.get(1))).isEqualTo("epoch two");
    }

    @Test
    void historyPaging_followsAfterAndLimit() {
        for (int i = 0; i < 5; i++) {
            alice.messages().publish(room, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        List<Delivery> first = bob.messages().history(room, 0, 2);
        assertThat(first).hasSize(2);
        List<Delivery> rest = bob.messages().history(room, first.getLast().seq(), 100);
        assertThat(rest).extracting(MessageAndBlobFlowTest::text).containsExactly("m2", "m3", "m4");
    }

    @Test
    void blobs_roundTripEncrypted_andTheReferenceTravelsInAMessage() throws Exception {
        byte[] file = dev.keyroom.testkit.Fixtures.bytes(3 * 1024 * 1024 + 17);
        try (BlobRef ref = alice.blobs().put(room, new ByteArrayInputStream(file))) {
            alice.messages().publish(room, ref.toMessage());
        }
        Delivery d = bob.messages().history(room, 0, 10).getFirst();
        try (BlobRef got = BlobRef.fromMessage(((Delivery.Accepted) d).plaintext())) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            bob.blobs().get(room, got, out);
            assertThat(out.toByteArray()).isEqualTo(file);
            assertThat(got.size()).isGreaterThan(file.length);
        }
    }

    @Test
    void blobHead_andRepeatedPut_behave() throws Exception {
        byte[] file = "small attachment".getBytes(StandardCharsets.UTF_8);
        try (BlobRef ref = alice.blobs().put(room, new ByteArrayInputStream(file))) {
            KeyroomClient.Response head =
                    bob.exchange("HEAD", "/v1/rooms/" + room.value() + "/blobs/" + ref.sha256(), null);
            assertThat(head.status()).isEqualTo(200);
            KeyroomClient.Response missing =
                    bob.exchange("HEAD", "/v1/rooms/" + room.value() + "/blobs/" + "0".repeat(64), null);
            assertThat(missing.status()).isEqualTo(404);
        }
    }
}
