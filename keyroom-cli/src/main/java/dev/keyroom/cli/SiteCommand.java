package dev.keyroom.cli;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.protocol.dto.SiteDtos;
import picocli.CommandLine.Command;

@Command(
        name = "site",
        description = "The site's replication role and progress.",
        subcommands = {
            SiteCommand.Status.class,
            SiteCommand.Promote.class,
            SiteCommand.Retry.class,
            SiteCommand.Seed.class
        })
final class SiteCommand {
    @Command(
            name = "seed",
            description = "Start a new backup from this primary site, which may be running: a consistent copy of its"
                    + " store (embedded, or the cluster's from its state stream), whose feed goes on right after"
                    + " the copy, every blob, and the keyring, into the backup's empty data directory.")
    static final class Seed extends KeyroomCommand {
        @picocli.CommandLine.Mixin
        NodeOptions node;

        @picocli.CommandLine.Option(
                names = "--out",
                required = true,
                description = "The backup's data directory (holding no store yet)")
        java.nio.file.Path out;

        @Override
        public Integer call() throws Exception {
            dev.keyroom.server.config.ServerConfig cfg = node.load(dev.keyroom.server.config.ConfigFile.EMPTY);
            dev.keyroom.server.SiteSeed.Report r = dev.keyroom.server.SiteSeed.seed(cfg, out);
            java.io.PrintWriter w = out();
            r.digest().counts().forEach((table, n) -> w.printf("%-15s %8d%n", table, n));
            w.printf("%-15s %8d%n", "blobs", r.blobs());
            w.println("digest " + r.digest().sha256());
            w.println("seeded " + out + " at change " + r.watermark()
                    + "; give it its own config (replication.role: backup, primary_url, listen, client_ca,"
                    + " primary_keys) and start it");
            return 0;
        }
    }

    @Command(
            name = "promote",
            description = "Turns this backup into the primary, under a new site epoch: the old primary's batches are"
                    + " refused from now on, and once it hears of the new epoch it takes no more writes (admin)."
                    + " Then set replication.role: primary in this site's config file.")
    static final class Promote extends ClientCommand {
        @picocli.CommandLine.Option(
                names = "--from-epoch",
                description = "The site epoch being left, as `site status` shows it (default: read it from the site)")
        Long fromEpoch;

        @Override
        Printed run(KeyroomClient c) {
            long from = fromEpoch != null ? fromEpoch : c.site().status().siteEpoch();
            SiteDtos.ReplicationStatus s = c.site().promote(from);
            return new Printed(
                    s,
                    "promoted: " + s.role() + " (site epoch " + s.siteEpoch() + "); set replication.role: primary"
                            + " and remove replication.primary_url in this site's config file before its next start");
        }
    }

    @Command(
            name = "retry",
            description = "On a primary whose replication worker waits to retry after a failure (the backup was down):"
                    + " retry now instead of at the next step of the table 1, 5, 25, 125, 625 s (admin). In a"
                    + " cluster, run it against the node `site status` names the sender.")
    static final class Retry extends ClientCommand {
        @Override
        Printed run(KeyroomClient c) {
            SiteDtos.Retry r = c.site().retry();
            String error =
                    r.status().lastError() == null || r.status().lastError().isEmpty()
                            ? ""
                            : " (last error: " + r.status().lastError() + ")";
            return new Printed(
                    r,
                    r.retrying()
                            ? "retrying now" + error + "; `site status` shows the changes pending fall"
                            : "not waiting to retry: " + r.status().pending() + " changes pending" + error);
        }
    }

    @Command(
            name = "status",
            description = "Role, site epoch and, on a primary that feeds a backup, changes pending, lag and the"
                    + " last error; on a fed backup, its watermark (admin).")
    static final class Status extends ClientCommand {
        @Override
        Printed run(KeyroomClient c) {
            SiteDtos.ReplicationStatus s = c.site().status();
            StringBuilder line = new StringBuilder(s.role() + " (site epoch " + s.siteEpoch() + ")");
            if (s.primary() != null) {
                line.append(", primary ").append(s.primary());
            }
            if (s.watermark() != null) {
                line.append(", applied up to ").append(s.watermark());
                if (s.backup() == null && s.pending() != null && s.pending() > 0) {
                    line.append(", ").append(s.pending()).append(" behind the primary");
                    if (s.lagSeconds() != null) {
                        line.append(String.format(java.util.Locale.ROOT, " for %.1f s", s.lagSeconds()));
                    }
                }
            }
            if (s.backup() != null) {
                line.append(", backup ")
                        .append(s.backup())
                        .append(": ")
                        .append(s.pending())
                        .append(" pending, lag ")
                        .append(String.format(java.util.Locale.ROOT, "%.1f", s.lagSeconds()))
                        .append(" s");
                if (s.blobsWaiting() != null && s.blobsWaiting() > 0) {
                    line.append(", ").append(s.blobsWaiting()).append(" blobs waiting");
                }
                if (s.auditWaiting() != null && s.auditWaiting() > 0) {
                    line.append(", ").append(s.auditWaiting()).append(" audit entries waiting");
                }
                if (s.lastError() != null && !s.lastError().isEmpty()) {
                    line.append(", last error: ").append(s.lastError());
                }
                if (s.nextRetrySeconds() != null) {
                    line.append(String.format(
                            java.util.Locale.ROOT,
                            ", next retry in %.0f s (`site retry` for now)",
                            s.nextRetrySeconds()));
                }
            }
            return new Printed(s, line.toString());
        }
    }
}
