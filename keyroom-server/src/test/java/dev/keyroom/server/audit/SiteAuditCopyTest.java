package dev.keyroom.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.protocol.audit.AuditChain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup's copy of a primary's audit log takes only entries that continue its chain: in order,
 * unedited, each naming the previous hash; entries already held are skipped; nothing of a refused
 * batch is written; a torn last line is cut on reopening.
 */
class SiteAuditCopyTest {
    @TempDir
    Path dir;

    /** A chain of {@code n} entries, as a primary's log holds them. */
    static List<String> chain(int n) {
        List<String> lines = new ArrayList<>();
        String prev = AuditChain.GENESIS;
        for (int i = 1; i <= n; i++) {
            String line = AuditChain.line(
                    i,
                    "2026-11-22T00:00:00Z",
                    new dev.keyroom.core.audit.AuditEvent("actor", "POST", "/v1/rooms", "201", "req-" + i, "192.0.2.1"),
                    prev);
            lines.add(line);
            try {
                prev = AuditChain.parse(line).hash();
            } catch (AuditChain.FormatException e) {
                throw new AssertionError(e);
            }
        }
        return lines;
    }

    static List<byte[]> bytes(List<String> lines) {
        return lines.stream().map(l -> l.getBytes(StandardCharsets.UTF_8)).toList();
    }

    @Test
    void entriesThatContinueTheChain_areCopiedByteForByte_andAgainChangeNothing() throws Exception {
        List<String> primary = chain(10);
        Path file = dir.resolve("sites/site.log");
        try (SiteAuditCopy copy = SiteAuditCopy.open(file)) {
            assertThat(copy.lastSeq()).isZero();
            assertThat(copy.append(1, bytes(primary.subList(0, 6)))).isEqualTo(6);
            assertThat(copy.append(4, bytes(primary.subList(3, 10)))).isEqualTo(10);
            assertThat(copy.append(1, bytes(primary))).isEqualTo(10);
        }
        assertThat(Files.readAllLines(file)).isEqualTo(primary);
        try (SiteAuditCopy reopened = SiteAuditCopy.open(file)) {
            assertThat(reopened.lastSeq()).isEqualTo(10);
        }
    }

    @Test
    void aGap_anEditedEntry_aMisnumberedOne_orABrokenChain_writesNothing() throws Exception {
        List<String> primary = chain(6);
        Path file = dir.resolve("site.log");
        try (SiteAuditCopy copy = SiteAuditCopy.open(file)) {
            copy.append(1, bytes(primary.subList(0, 3)));
            assertThatThrownBy(() -> copy.append(5, bytes(primary.subList(4, 6))))
                    .isInstanceOfSatisfying(KeyroomException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                        assertThat(e.getMessage()).contains("up to 3");
                    });
            String edited = primary.get(3).replace("\"201\"", "\"200\"");
            assertThatThrownBy(() -> copy.append(4, bytes(List.of(edited))))
                    .isInstanceOfSatisfying(
                            KeyroomException.class,
                            e -> assertThat(e.getMessage()).contains("edited"));
            assertThatThrownBy(() -> copy.append(4, bytes(List.of(primary.get(4)))))
                    .isInstanceOfSatisfying(
                            KeyroomException.class,
                            e -> assertThat(e.getMessage()).contains("not numbered 4"));
            // Another log's entry 4: well formed, but it does not name this copy's entry 3.
            String rebuilt = AuditChain.line(
                    4,
                    "2026-11-22T00:00:00Z",
                    new dev.keyroom.core.audit.AuditEvent("x", "GET", "/", "200", "r", "-"),
                    AuditChain.GENESIS);
            assertThatThrownBy(() -> copy.append(4, bytes(List.of(rebuilt))))
                    .isInstanceOfSatisfying(KeyroomException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                        assertThat(e.getMessage()).contains("does not continue");
                    });
            assertThat(copy.lastSeq()).isEqualTo(3);
        }
        assertThat(Files.readAllLines(file)).isEqualTo(primary.subList(0, 3));
    }

    @Test
    void aTornLastLine_isCutOnReopening() throws Exception {
        List<String> primary = chain(3);
        Path file = dir.resolve("site.log");
        try (SiteAuditCopy copy = SiteAuditCopy.open(file)) {
            copy.append(1, bytes(primary.subList(0, 2)));
        }
        Files.writeString(file, primary.get(2).substring(0, 40), StandardOpenOption.APPEND);
        try (SiteAuditCopy copy = SiteAuditCopy.open(file)) {
            assertThat(copy.lastSeq()).isEqualTo(2);
            assertThat(copy.append(3, bytes(primary.subList(2, 3)))).isEqualTo(3);
        }
        assertThat(Files.readAllLines(file)).isEqualTo(primary);
    }
}
