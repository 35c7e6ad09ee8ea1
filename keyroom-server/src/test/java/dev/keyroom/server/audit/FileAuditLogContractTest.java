package dev.keyroom.server.audit;

import dev.keyroom.core.audit.AuditEvent;
import dev.keyroom.core.audit.AuditLog;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.protocol.audit.AuditChain;
import dev.keyroom.testkit.AuditLogContract;
import dev.keyroom.testkit.FailingChannel;
import dev.keyroom.testkit.Fixtures;
import dev.keyroom.testkit.TestClock;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's file audit log held to the contract every audit log meets: its files in a directory
 * of the test's own, read back and verified as {@code keyroom audit verify} does (checkpoints
 * included, against the key that signed them), a full disk played by a channel that fails on
 * demand.
 */
class FileAuditLogContractTest extends AuditLogContract {
    @TempDir
    Path dir;

    /** Signs the checkpoints: lent to each log, as the node lends its key, and closed after the last one is. */
    @AutoClose
    private final Identity serverKey = Identity.generate(Fixtures.RANDOM);

    private final AtomicBoolean diskFull = new AtomicBoolean();

    @Override
    protected AuditLog open() throws Exception {
        return FileAuditLog.open(
                dir,
                () -> serverKey,
                TestClock.atSystemTime(),
                FileAuditLog.Settings.DEFAULT,
                f -> new FailingChannel(FileAuditLog.FILES.open(f), diskFull));
    }

    @Override
    protected void close(AuditLog log) {
        ((FileAuditLog) log).close();
    }

    @Override
    protected Stored stored() throws Exception {
        List<AuditEvent> events = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("audit.log"))) {
            AuditChain.Entry e;
            try {
                e = AuditChain.parse(line);
            } catch (AuditChain.FormatException x) {
                break; // what follows an entry that does not read is not the log's
            }
            events.add(new AuditEvent(e.actor(), e.action(), e.resource(), e.outcome(), e.requestId(), e.remote()));
        }
        AuditChain.Report report;
        try (BufferedReader entries = Files.newBufferedReader(dir.resolve("audit.log"));
                BufferedReader checkpoints = Files.newBufferedReader(dir.resolve("checkpoints.log"))) {
            report = AuditChain.verify(entries, checkpoints, serverKey.signPub());
        }
        return new Stored(events, report.problem());
    }

    @Override
    protected void breakStorage() {
        diskFull.set(true);
    }

    @Override
    protected void repairStorage() {
        diskFull.set(false);
    }

    @Override
    protected void editStoredEntry(int index) throws Exception {
        Path file = dir.resolve("audit.log");
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(index, lines.get(index).replace("\"outcome\":\"", "\"outcome\":\"edited "));
        Files.write(file, lines);
    }
}
