package dev.keyroom.server.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.client.BusClient;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.server.RawHttp;
import dev.keyroom.server.TestNode;
import dev.keyroom.server.bus.BusSession;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * DOS-6: the data plane pings its peers and closes one that has sent nothing, not even a pong, for
 * the idle timeout, so a vanished or stalled client does not hold a session (and its share of the
 * per-identity cap) for ever; a live client that answers pings stays connected while idle.
 */
@Timeout(60)
class BusKeepaliveAttackTest {
    @TempDir
    Path dir;

    TestNode node;

    @BeforeEach
    void start() throws Exception {
        node = TestNode.start(dir, "bus: {ping_seconds: 1, idle_timeout_seconds: 3, auth_timeout_seconds: 60}\n");
    }

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void aPeerThatNeverAnswersPings_isClosedAsIdle() throws Exception {
        try (Socket s = RawHttp.connect(node, "127.0.0.1")) {
            s.setSoTimeout(20_000);
            s.getOutputStream()
                    .write(("GET /v1/bus HTTP/1.1\r\nHost: " + node.uri().getRawAuthority()
                                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                    + "Sec-WebSocket-Key: a2V5cm9vbS1rZWVwYWxpdmU=\r\nSec-WebSocket-Version: 13\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertThat(headers(in)).startsWith("HTTP/1.1 101");
            int pings = 0;
            while (true) {
                int b0 = in.readUnsignedByte();
                int len = in.readUnsignedByte() & 0x7f;
                if (len == 126) {
                    len = in.readUnsignedShort();
                }
                byte[] payload = in.readNBytes(len);
                int opcode = b0 & 0x0f;
                if (opcode == 0x9) {
                    pings++; // and, like a stalled client, never answer
                } else if (opcode == 0x8) {
                    int code = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
                    assertThat(code).isEqualTo(BusSession.CLOSE_IDLE);
                    assertThat(pings).isGreaterThanOrEqualTo(1);
                    return;
                }
            }
        }
    }

    @Test
    void aLiveClientThatAnswersPings_staysConnectedWhileIdle() throws Exception {
        Identity aliceId = node.register("alice", Role.MEMBER);
        KeyroomClient alice = node.client(aliceId);
        RoomId room = new RoomId(alice.rooms().create("quiet").roomId());
        try (BusClient bus = alice.connectBus()) {
            bus.ready().get(10, TimeUnit.SECONDS);
            Thread.sleep(4_500); // longer than the idle timeout; the JDK client answers each ping
            assertThat(bus.closedForGood()).isNotDone();
            assertThat(bus.publish(room, "still here".getBytes(StandardCharsets.UTF_8))
                            .get(10, TimeUnit.SECONDS))
                    .isEqualTo(1L);
        }
    }

    private static String headers(DataInputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            sb.append((char) in.readUnsignedByte());
        }
        return sb.toString();
    }
}
