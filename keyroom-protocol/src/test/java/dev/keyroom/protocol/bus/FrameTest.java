package dev.keyroom.protocol.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.RoomId;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class FrameTest {
    static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void everyFrame_roundTrips() throws Exception {
        RoomId room = RoomId.random(RANDOM);
        EndpointId e = new EndpointId("0123456789abcdef0123456789abcdef");
        Frame[] frames = {
            new Frame.Challenge(new byte[32]),
            new Frame.Auth(e, new byte[64]),
            new Frame.AuthOk(),
            new Frame.Subscribe(room, 42),
            new Frame.Unsubscribe(room),
            new Frame.Publish(7, new byte[] {1, 2, 3}),
            new Frame.Ack(7, 99),
            new Frame.Deliver(room, 5, new byte[] {9}),
            new Frame.Error(7, "conflict", "stale epoch"),
            new Frame.Evict(room, "removed from the room"),
        };
        for (Frame f : frames) {
            Frame back = Frame.decode(Frame.encode(f));
            assertThat(back.getClass()).isEqualTo(f.getClass());
            assertThat(Frame.encode(back)).isEqualTo(Frame.encode(f));
        }
    }

    @Test
    void truncatedPaddedOrUnknown_isRefused() {
        ByteBuffer ok = Frame.encode(new Frame.Subscribe(RoomId.random(RANDOM), 1));
        byte[] b = new byte[ok.remaining()];
        ok.get(b);
        assertThatThrownBy(() -> Frame.decode(ByteBuffer.wrap(b, 0, b.length - 1)))
                .isInstanceOf(Frame.FormatException.class);
        byte[] padded = java.util.Arrays.copyOf(b, b.length + 1);
        assertThatThrownBy(() -> Frame.decode(ByteBuffer.wrap(padded))).isInstanceOf(Frame.FormatException.class);
        assertThatThrownBy(() -> Frame.decode(ByteBuffer.wrap(new byte[] {2, 4})))
                .isInstanceOf(Frame.FormatException.class);
        assertThatThrownBy(() -> Frame.decode(ByteBuffer.wrap(new byte[] {1, 99})))
                .isInstanceOf(Frame.FormatException.class);
        assertThatThrownBy(() -> Frame.decode(ByteBuffer.wrap(new byte[0]))).isInstanceOf(Frame.FormatException.class);
    }

    @FuzzTest(maxDuration = "10s")
    void decode_anyBytes_failsOnlyWithFormatException(byte[] input) {
        try {
            Frame.decode(ByteBuffer.wrap(input));
        } catch (Frame.FormatException expected) {
            // refused
        }
    }
}
