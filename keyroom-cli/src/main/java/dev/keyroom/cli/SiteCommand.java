package dev.keyroom.cli;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.protocol.dto.Dto;
import picocli.CommandLine.Command;

@Command(
        name = "site",
        description = "The site's replication role and progress.",
        subcommands = {SiteCommand.Status.class})
final class SiteCommand {
    @Command(
            name = "status",
            description = "Role, site epoch and, on a primary that feeds a backup, changes pending, lag and the"
                    + " last error; on a fed backup, its watermark (admin).")
    static final class Status extends ClientCommand {
        @Override
        Printed run(KeyroomClient c) {
            Dto.ReplicationStatus s = c.replicationStatus();
            StringBuilder line = new StringBuilder(s.role() + " (site epoch " + s.siteEpoch() + ")");
            if (s.primary() != null) {
                line.append(", primary ").append(s.primary());
            }
            if (s.watermark() != null) {
                line.append(", applied up to ").append(s.watermark());
            }
            if (s.backup() != null) {
                line.append(", backup ")
                        .append(s.backup())
                        .append(": ")
                        .append(s.pending())
                        .append(" pending, lag ")
                        .append(String.format(java.util.Locale.ROOT, "%.1f", s.lagSeconds()))
                        .append(" s");
                if (s.lastError() != null && !s.lastError().isEmpty()) {
                    line.append(", last error: ").append(s.lastError());
                }
            }
            return new Printed(s, line.toString());
        }
    }
}
