package dev.keyroom.cli;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.gateway.GatewayDir;
import dev.keyroom.protocol.IdentityFile;
import dev.keyroom.protocol.audit.AuditChain;
import dev.keyroom.protocol.dto.AuditDtos;
import dev.keyroom.server.DataDir;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "audit",
        description = "The audit log: read it (admin), or verify a data directory's log offline.",
        subcommands = {AuditCommand.Tail.class, AuditCommand.Verify.class, AuditCommand.VerifyCluster.class})
final class AuditCommand {
    @Command(name = "tail", description = "Print audit entries after a sequence (admin).")
    static final class Tail extends ClientCommand {
        @Option(names = "--after", defaultValue = "0", description = "Print entries after this seq")
        long after;

        @Option(names = "--limit", defaultValue = "200", description = "At most this many (1 to 1000)")
        int limit;

        @Override
        Printed run(KeyroomClient c) {
            List<AuditChain.Entry> events = c.audit().events(after, limit);
            return Printed.lines(
                    new AuditDtos.AuditEvents(events),
                    events,
                    e -> e.seq() + " " + e.time() + " " + e.actor() + " " + e.action() + " " + e.resource() + " "
                            + e.outcome() + " " + e.remote() + " " + e.requestId());
        }
    }

    @Command(
            name = "verify",
            description =
                    "Check a node's or a gateway's data directory's audit log offline: the hash chain, the sequence and the signed"
                            + " checkpoints; or, with --copy, a backup's copy of a primary's log (audit/sites/*.log: the"
                            + " chain and the sequence). Names the first bad entry; exit 1 if there is one.")
    static final class Verify extends KeyroomCommand {
        @Option(names = "--data", description = "The data directory")
        Path data;

        @Option(names = "--copy", description = "A backup's copy of a primary's audit log, instead of --data")
        Path copy;

        @Option(names = "--json", description = "Print the report as JSON")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if ((data == null) == (copy == null)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give --data or --copy");
            }
            if (copy != null) {
                AuditChain.Report report;
                try (BufferedReader log = Files.newBufferedReader(copy, StandardCharsets.UTF_8)) {
                    report = AuditChain.verify(log, new BufferedReader(new java.io.StringReader("")), new byte[32]);
                }
                return print(report);
            }
            // A node's checkpoints are signed with its server identity, a gateway's with its own.
            GatewayDir gateway = new GatewayDir(data);
            Path signer = gateway.initialised() ? gateway.identity() : new DataDir(data).serverIdentity();
            Path audit = gateway.initialised() ? gateway.audit() : new DataDir(data).audit();
            byte[] key = null; // no key yet: then no checkpoint can verify either
            if (Files.exists(signer)) {
                try (Identity server = IdentityFile.read(signer)) {
                    key = server.signPub();
                }
            }
            AuditChain.Report report;
            try (BufferedReader log = Files.newBufferedReader(audit.resolve("audit.log"), StandardCharsets.UTF_8);
                    BufferedReader cps =
                            Files.newBufferedReader(audit.resolve("checkpoints.log"), StandardCharsets.UTF_8)) {
                report = AuditChain.verify(log, cps, key);
            }
            return print(report);
        }

        private int print(AuditChain.Report report) {
            print(
                    json,
                    Map.of(
                            "ok", report.ok(),
                            "entries", report.entries(),
                            "checkpoints", report.checkpoints(),
                            "problem", report.problem().orElse("")),
                    report.ok()
                            ? "ok: " + report.entries() + " entries, " + report.checkpoints()
                                    + " signed checkpoints verified"
                            : "FAILED: " + report.problem().get() + " (" + report.entries()
                                    + " entries verified before it)");
            return report.ok() ? 0 : Main.EXIT_FAILED;
        }
    }

    @Command(
            name = "verify-cluster",
            description = "Check every node's audit chain as copied into the cluster's audit stream (the config's"
                    + " cluster section says where). Exit 1 if any chain is broken.")
    static final class VerifyCluster extends KeyroomCommand {
        @picocli.CommandLine.Mixin
        NodeOptions node;

        @Override
        public Integer call() throws Exception {
            var c = node.load(dev.keyroom.server.config.ConfigFile.EMPTY)
                    .cluster()
                    .orElseThrow(() -> new IllegalArgumentException("the configuration has no cluster section"));
            boolean ok = true;
            try (var nats = dev.keyroom.store.nats.NatsConnections.connect(
                    c.natsUrls(), c.caFile(), c.credentialsFile(), c.timeout(), "keyroom audit")) {
                var reports = dev.keyroom.server.audit.ClusterAudit.verify(nats, c.timeout());
                for (var r : reports.values()) {
                    ok &= r.chain().ok();
                    out().println(r.node() + " " + r.entries() + " entries: "
                            + (r.chain().ok()
                                    ? "ok"
                                    : "FAILED: " + r.chain().problem().get()));
                }
            }
            return ok ? 0 : Main.EXIT_FAILED;
        }
    }
}
