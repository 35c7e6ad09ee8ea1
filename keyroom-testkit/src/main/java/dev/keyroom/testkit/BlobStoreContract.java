package dev.keyroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.rooms.BlobStore;
import dev.keyroom.core.rooms.RoomId;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** What every {@link BlobStore} must do. */
public abstract class BlobStoreContract {
    protected abstract BlobStore store() throws Exception;

    /** Temporary parts the store holds now; zero after every put, failed or not. */
    protected abstract long pendingParts() throws Exception;

    /** The store under test, and a room of it, fresh for each test. */
    private BlobStore s;

    private final RoomId room = RoomId.random(Fixtures.RANDOM);

    @org.junit.jupiter.api.BeforeEach
    void openStore() throws Exception {
        s = store();
    }

    static String address(byte[] b) {
        return HexFormat.of().formatHex(Digests.sha256(b));
    }

    @Test
    void put_thenOpen_returnsTheBytes_andSecondPutReportsExisting() throws Exception {
        byte[] data = Fixtures.bytes(300_000);
        assertThat(s.put(room, address(data), new ByteArrayInputStream(data), 1 << 20))
                .isTrue();
        assertThat(s.put(room, address(data), new ByteArrayInputStream(data), 1 << 20))
                .isFalse();
        assertThat(s.size(room, address(data))).contains((long) data.length);
        try (InputStream in = s.open(room, address(data)).orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThat(s.open(RoomId.random(Fixtures.RANDOM), address(data))).isEmpty();
        assertThat(pendingParts()).isZero();
    }

    @Test
    void put_mismatchingBytes_isRefusedAndLeavesNothing() throws Exception {
        byte[] data = Fixtures.bytes(1000);
        String wrong = address(Fixtures.bytes(10));
        Fixtures.assertCode(() -> s.put(room, wrong, new ByteArrayInputStream(data), 1 << 20), ErrorCode.BAD_REQUEST);
        assertThat(s.size(room, wrong)).isEmpty();
        assertThat(pendingParts()).isZero();
    }

    @Test
    void put_overTheLimit_isRefusedAndLeavesNothing() throws Exception {
        byte[] data = Fixtures.bytes(5000);
        Fixtures.assertCode(
                () -> s.put(room, address(data), new ByteArrayInputStream(data), 4999), ErrorCode.PAYLOAD_TOO_LARGE);
        assertThat(s.size(room, address(data))).isEmpty();
        assertThat(pendingParts()).isZero();
    }

    @Test
    void adopt_storesAFileHashedByTheCaller_andRefusesAnotherAddressOrTooMuch() throws Exception {
        byte[] data = Fixtures.bytes(200_000);
        byte[] sha = Digests.sha256(data);
        java.nio.file.Path wrongFile = java.nio.file.Files.createTempFile("keyroom-adopt-", ".bin");
        java.nio.file.Files.write(wrongFile, data);
        String wrong = address(Fixtures.bytes(10));
        Fixtures.assertCode(() -> s.adopt(room, wrong, wrongFile, sha, 1 << 20), ErrorCode.BAD_REQUEST);
        Fixtures.assertCode(() -> s.adopt(room, address(data), wrongFile, sha, 1000), ErrorCode.PAYLOAD_TOO_LARGE);
        assertThat(s.size(room, wrong)).isEmpty();
        assertThat(s.size(room, address(data))).isEmpty();

        assertThat(s.adopt(room, address(data), wrongFile, sha, 1 << 20)).isTrue();
        java.nio.file.Files.deleteIfExists(wrongFile);
        try (InputStream in = s.open(room, address(data)).orElseThrow()) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        java.nio.file.Path again = java.nio.file.Files.createTempFile("keyroom-adopt-", ".bin");
        java.nio.file.Files.write(again, data);
        assertThat(s.adopt(room, address(data), again, sha, 1 << 20)).isFalse();
        java.nio.file.Files.deleteIfExists(again);
        assertThat(pendingParts()).isZero();
    }

    @Test
    void malformedAddress_isRefused() throws Exception {
        assertThatThrownBy(() -> s.size(RoomId.random(Fixtures.RANDOM), "../../etc/passwd"))
                .isInstanceOf(KeyroomException.class);
    }
}
