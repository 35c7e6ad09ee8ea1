package dev.keyroom.protocol.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.Identity;
import java.io.BufferedReader;
import java.io.StringReader;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit chain finds any edited, deleted, inserted, reordered or cut entry, and names it. */
class AuditChainTest {
    static final SecureRandom RANDOM = new SecureRandom();
    final Identity server = Identity.generate(RANDOM);

    List<String> log(int n) {
        List<String> lines = new ArrayList<>();
        String prev = AuditChain.GENESIS;
        for (int i = 1; i <= n; i++) {
            String line = AuditChain.line(
                    i,
                    "2026-11-22T00:00:0" + (i % 10) + "Z",
                    new dev.keyroom.core.audit.AuditEvent(
                            "actor" + i,
                            "POST",
                            "/v1/rooms/r/messages \"quoted\" \u001b[31m",
                            "201",
                            "req" + i,
                            "127.0.0.1"),
                    prev);
            prev = line.substring(line.length() - 66, line.length() - 2);
            lines.add(line);
        }
        return lines;
    }

    String checkpoint(String line) throws Exception {
        AuditChain.Entry e = AuditChain.parse(line);
        return "{\"seq\":" + e.seq() + ",\"hash\":\"" + e.hash() + "\",\"time\":\"t\",\"signature\":\""
                + Base64Url.encode(server.sign(AuditChain.checkpointMessage(e.seq(), e.hash()))) + "\"}";
    }

    AuditChain.Report verify(List<String> lines, List<String> checkpoints) throws Exception {
        return AuditChain.verify(
                new BufferedReader(new StringReader(String.join("\n", lines))),
                new BufferedReader(new StringReader(String.join("\n", checkpoints))),
                server.signPub());
    }

    @Test
    void anIntactLog_verifies_andEveryLineParsesBack() throws Exception {
        List<String> lines = log(20);
        AuditChain.Report r = verify(lines, List.of(checkpoint(lines.get(9)), checkpoint(lines.get(19))));
        assertThat(r.ok()).as(r.problem().orElse("")).isTrue();
        assertThat(r.entries()).isEqualTo(20);
        assertThat(r.checkpoints()).isEqualTo(2);
        assertThat(AuditChain.parse(lines.get(4)).resource()).isEqualTo("/v1/rooms/r/messages \"quoted\" \u001b[31m");
        assertThat(lines.get(4)).doesNotContain("\u001b").doesNotContain("\n");
    }

    @Test
    void anEditedEntry_isNamed() throws Exception {
        List<String> lines = log(10);
        lines.set(6, lines.get(6).replace("\"201\"", "\"200\""));
        assertThat(verify(lines, List.of()).problem())
                .hasValueSatisfying(p -> assertThat(p).startsWith("entry 7:").contains("edited"));
    }

    @Test
    void anEditedEntryWithItsHashRecomputed_isCaughtAtTheNextEntry() throws Exception {
        List<String> lines = log(10);
        AuditChain.Entry e = AuditChain.parse(lines.get(6));
        lines.set(
                6,
                AuditChain.line(
                        7,
                        e.time(),
                        new dev.keyroom.core.audit.AuditEvent(
                                "someone-else", e.action(), e.resource(), e.outcome(), e.requestId(), e.remote()),
                        e.prevHash()));
        assertThat(verify(lines, List.of()).problem())
                .hasValueSatisfying(p -> assertThat(p).startsWith("entry 8:"));
    }

    @Test
    void aRewrittenChain_isCaughtByItsSignedCheckpoint() throws Exception {
        List<String> honest = log(10);
        String signed = checkpoint(honest.get(7));
        List<String> forged = new ArrayList<>(honest.subList(0, 3));
        String prev = AuditChain.parse(forged.get(2)).hash();
        for (int i = 4; i <= 10; i++) {
            String l = AuditChain.line(
                    i, "t", new dev.keyroom.core.audit.AuditEvent("forger", "DELETE", "/x", "204", "r", "-"), prev);
            prev = l.substring(l.length() - 66, l.length() - 2);
            forged.add(l);
        }
        assertThat(verify(forged, List.of(signed)).problem())
                .hasValueSatisfying(p -> assertThat(p).startsWith("entry 8:").contains("checkpoint"));
    }

    @Test
    void aDeletedEntry_isNamed() throws Exception {
        List<String> lines = log(10);
        lines.remove(4);
        assertThat(verify(lines, List.of()).problem())
                .hasValueSatisfying(p -> assertThat(p).startsWith("entry 5:").contains("found seq 6"));
    }

    @Test
    void reorderedEntries_areNamed() throws Exception {
        List<String> lines = log(10);
        String a = lines.get(3);
        lines.set(3, lines.get(4));
        lines.set(4, a);
        assertThat(verify(lines, List.of()).problem())
                .hasValueSatisfying(p -> assertThat(p).startsWith("entry 4:"));
    }

    @Test
    void entriesCutFromTheEnd_areFoundByACheckpointBeyondTheLog() throws Exception {
        List<String> lines = log(10);
        String signed = checkpoint(lines.get(9));
        assertThat(verify(lines.subList(0, 8), List.of(signed)).problem())
                .hasValueSatisfying(p -> assertThat(p).startsWith("entry 9:").contains("cut from the end"));
    }

    @Test
    void aCheckpointNotSignedByTheServer_isRefused() throws Exception {
        List<String> lines = log(5);
        Identity other = Identity.generate(RANDOM);
        AuditChain.Entry e = AuditChain.parse(lines.get(4));
        String forged = "{\"seq\":5,\"hash\":\"" + e.hash() + "\",\"time\":\"t\",\"signature\":\""
                + Base64Url.encode(other.sign(AuditChain.checkpointMessage(5, e.hash()))) + "\"}";
        assertThat(verify(lines, List.of(forged)).problem())
                .hasValueSatisfying(p -> assertThat(p).contains("not signed by this server's key"));
    }

    @Test
    void garbage_isNotAnEntry() {
        assertThatThrownBy(() -> AuditChain.parse("{\"seq\":1}")).isInstanceOf(AuditChain.FormatException.class);
        assertThatThrownBy(() -> AuditChain.parse("not json,\"hash\":\"00\"}"))
                .isInstanceOf(AuditChain.FormatException.class);
    }
}
