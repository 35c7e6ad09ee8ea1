package dev.keyroom.cli;

import dev.keyroom.server.Migration;
import dev.keyroom.server.config.ConfigFile;
import dev.keyroom.server.config.ServerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "migrate",
        description = "Copy a stopped single-node data directory into an empty NATS JetStream cluster (the"
                + " config's cluster section), then verify the copy: counts and a digest of every record,"
                + " and every blob. Exits 1 when anything differs.")
final class MigrateCommand extends KeyroomCommand {
    @Mixin
    NodeOptions node;

    @Option(names = "--from", required = true, description = "Where the data is now: sqlite")
    String from;

    @Option(names = "--to", required = true, description = "Where it goes: jetstream")
    String to;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        if (!from.equals("sqlite") || !to.equals("jetstream")) {
            err().println("only --from sqlite --to jetstream is supported");
            return 2;
        }
        Path data = node.data;
        ServerConfig cfg = node.load(ConfigFile.EMPTY);
        Migration.Report r = Migration.sqliteToJetStream(cfg, data);
        r.source()
                .counts()
                .forEach((table, n) -> out.printf(
                        "%-15s %8d -> %8d%n", table, n, r.cluster().counts().getOrDefault(table, -1L)));
        out.printf("%-15s %8d -> %8d%n", "blobs", r.blobs(), r.blobsVerified());
        out.println("digest source  " + r.source().sha256());
        out.println("digest cluster " + r.cluster().sha256());
        if (r.resumed()) {
            out.println("the database was uploaded by an earlier run; checked again");
        }
        out.println(
                r.verified()
                        ? "verified"
                        : "MISMATCH: the cluster does not hold what the source holds"
                                + (r.resumed()
                                        ? " (it holds another upload: to start over, delete the cluster's streams"
                                                + " KEYROOM_STATE, KV_keyroom-snapshots and OBJ_keyroom-snapshots)"
                                        : ""));
        out.println("copy " + data.resolve("keyring") + " to every cluster node before starting it");
        return r.verified() ? 0 : 1;
    }
}
