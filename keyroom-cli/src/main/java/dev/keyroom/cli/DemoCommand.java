package dev.keyroom.cli;

import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.client.SecretValue;
import dev.keyroom.client.ServerTrust;
import dev.keyroom.core.crypto.Digests;
import dev.keyroom.core.crypto.SecretBytes;
import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.protocol.IdentityFile;
import dev.keyroom.server.DataDir;
import dev.keyroom.server.KeyroomServer;
import dev.keyroom.server.config.ConfigFile;
import dev.keyroom.server.config.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "demo",
        description =
                "Start a throwaway node, make an encrypted room with two agents, remove one with a rekey, show what each"
                        + " can read, and let an agent call an API through a gateway that injects a key it never sees.")
final class DemoCommand extends KeyroomCommand {
    @Option(names = "--keep", description = "Keep the temporary data directory")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        SecureRandom random = new SecureRandom();
        Path dir = Files.createTempDirectory("keyroom-demo-");
        try {
            ServerConfig cfg = ServerConfig.from(dir, ConfigFile.flags("127.0.0.1:0", null, null, null));
            try (KeyroomServer server = KeyroomServer.start(cfg);
                    Identity adminId = IdentityFile.read(new DataDir(dir).adminIdentity());
                    Identity ownerId = Identity.generate(random);
                    Identity scout = Identity.generate(random);
                    Identity builder = Identity.generate(random)) {
                String pin = server.pin().orElseThrow();
                out.printf("1. node up at %s (TLS 1.3, pinned by %s)%n", server.uri(), pin);
                KeyroomClient admin = client(server, adminId, pin);
                admin.users().register(ownerId.signPub(), ownerId.kexPub(), "owner", Role.MEMBER);
                admin.users().register(scout.signPub(), scout.kexPub(), "scout", Role.AGENT);
                admin.users().register(builder.signPub(), builder.kexPub(), "builder", Role.AGENT);
                out.printf(
                        "2. admin registered owner %s and agents scout %s, builder %s%n",
                        ownerId.endpoint().shortForm(),
                        scout.endpoint().shortForm(),
                        builder.endpoint().shortForm());

                KeyroomClient owner = client(server, ownerId, pin);
                KeyroomClient scoutClient = client(server, scout, pin);
                KeyroomClient builderClient = client(server, builder, pin);
                RoomId room =
                        RoomId.parse(owner.rooms().create("mission-control").roomId());
                out.printf(
                        "3. owner created encrypted room %s; the epoch-1 key was sealed on the owner's machine%n",
                        room);
                owner.rooms().invite(room, scout.endpoint(), RoomRole.MEMBER);
                owner.rooms().invite(room, builder.endpoint(), RoomRole.MEMBER);
                out.println("4. owner invited both agents, sealing the room key to each one's X25519 key (HPKE)");
                out.printf(
                        "5. epoch 1 key fingerprints: owner %s, scout %s, builder %s (the same key, the server never saw it)%n",
                        fingerprint(owner, room), fingerprint(scoutClient, room), fingerprint(builderClient, room));

                long epoch = owner.rooms().rekey(room, Set.of(builder.endpoint()));
                out.printf("6. owner removed builder and rekeyed: the room is at epoch %d%n", epoch);
                out.printf(
                        "7. epoch %d key fingerprints: owner %s, scout %s%n",
                        epoch, fingerprint(owner, room), fingerprint(scoutClient, room));
                if (!refused(
                        out,
                        () -> builderClient.rooms().key(room, Optional.empty()).close(),
                        "8. UNEXPECTED: builder still got a key",
                        "8. builder asks for the new key: %d %s; it was never sealed to builder%n")) {
                    return Main.EXIT_FAILED;
                }
                java.util.List<String> liveAtOwner = new java.util.concurrent.CopyOnWriteArrayList<>();
                java.util.concurrent.CompletableFuture<String> builderEvicted =
                        new java.util.concurrent.CompletableFuture<>();
                try (dev.keyroom.client.BusClient ownerBus = owner.connectBus();
                        dev.keyroom.client.BusClient builderBus = builderClient.connectBus()) {
                    ownerBus.subscribe(room, 0, d -> {
                        if (d instanceof dev.keyroom.client.Delivery.Accepted a) {
                            liveAtOwner.add(new String(a.plaintext(), java.nio.charset.StandardCharsets.UTF_8));
                        }
                    });
                    ownerBus.ready().get(10, java.util.concurrent.TimeUnit.SECONDS);
                    builderBus.ready().get(10, java.util.concurrent.TimeUnit.SECONDS);
                    try (dev.keyroom.client.BusClient scoutBus = scoutClient.connectBus()) {
                        scoutBus.ready().get(10, java.util.concurrent.TimeUnit.SECONDS);
                        Thread.sleep(200);
                        long seq = scoutBus.publish(
                                        room,
                                        "scout: the build is green".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                                .get(10, java.util.concurrent.TimeUnit.SECONDS);
                        long deadline = System.nanoTime() + 5_000_000_000L;
                        while (liveAtOwner.isEmpty() && System.nanoTime() < deadline) {
                            Thread.sleep(20);
                        }
                        out.printf(
                                "9. scout published live over the data plane (seq %d); owner's live feed got: %s%n",
                                seq, liveAtOwner);
                    }
                    // A fresh room shows live eviction: builder follows it, then is removed.
                    RoomId side =
                            RoomId.parse(owner.rooms().create("side-channel").roomId());
                    owner.rooms().invite(side, builder.endpoint(), RoomRole.MEMBER);
                    builderBus.subscribe(side, 0, new dev.keyroom.client.BusClient.RoomListener() {
                        @Override
                        public void onDelivery(dev.keyroom.client.Delivery d) {}

                        @Override
                        public void onEvicted(String reason) {
                            builderEvicted.complete(reason);
                        }
                    });
                    Thread.sleep(200);
                    long start = System.nanoTime();
                    owner.rooms().rekey(side, Set.of(builder.endpoint()));
                    String reason = builderEvicted.get(5, java.util.concurrent.TimeUnit.SECONDS);
                    out.printf(
                            "10. builder was following another room live; removed with a rekey, it was evicted within %d ms (%s)%n",
                            (System.nanoTime() - start) / 1_000_000, reason);
                }
                byte[] report =
                        ("deployment report\n").repeat(20_000).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                try (dev.keyroom.client.BlobRef ref =
                        owner.blobs().put(room, new java.io.ByteArrayInputStream(report))) {
                    owner.messages().publish(room, ref.toMessage());
                }
                var seen = scoutClient.messages().history(room, 0, 10);
                out.printf(
                        "11. scout and owner talk at epoch %d: %d messages, each signed and encrypted on the sender's machine%n",
                        epoch, seen.size());
                try (dev.keyroom.client.BlobRef ref = dev.keyroom.client.BlobRef.fromMessage(
                        ((dev.keyroom.client.Delivery.Accepted) seen.getLast()).plaintext())) {
                    java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream();
                    scoutClient.blobs().get(room, ref, file);
                    out.printf(
                            "12. owner attached a %d-byte report (stored as %d bytes of ciphertext); scout fetched and decrypted it: %s%n",
                            report.length,
                            ref.size(),
                            dev.keyroom.core.crypto.Digests.constantTimeEquals(file.toByteArray(), report)
                                    ? "identical"
                                    : "DIFFERENT");
                }
                if (!refused(
                        out,
                        () -> builderClient.messages().history(room, 0, 10),
                        "13. UNEXPECTED: builder read the room",
                        "13. builder tries to read the conversation: %d %s%n")) {
                    return Main.EXIT_FAILED;
                }
                long secretVersion = owner.secrets()
                        .put(
                                room,
                                "deploy/token",
                                "tok-3f9a-demo".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                0);
                try (SecretValue token = scoutClient.secrets().get(room, "deploy/token", Optional.empty())) {
                    out.printf(
                            "14. owner put secret deploy/token (v%d), encrypted with the room key before it left;"
                                    + " scout read it: %d bytes, printed as %s%n",
                            secretVersion, token.value().length(), token.value());
                }
                if (!refused(
                        out,
                        () -> scoutClient.secrets().list(room),
                        "15. UNEXPECTED: an agent listed secrets",
                        "15. scout (an agent) tries to list the room's secrets: %d %s%n")) {
                    return Main.EXIT_FAILED;
                }
                out.println("16. the audit trail of that secret (admin, GET /v1/audit), hash-chained:");
                for (var e : admin.audit().events(0, 1000)) {
                    if (e.resource().contains("/secrets")) {
                        out.printf(
                                "    #%d %s %s %s %s -> %s  hash %s...%n",
                                e.seq(),
                                e.actor().substring(0, 8),
                                e.action(),
                                e.resource().substring(e.resource().indexOf("/secrets")),
                                e.requestId(),
                                e.outcome(),
                                e.hash().substring(0, 12));
                    }
                }
                if (!DemoGateway.show(out, 17, server.uri(), pin, admin, owner, scout, room, dir)) {
                    out.println("UNEXPECTED: the key reached the agent, or never reached the upstream");
                    return Main.EXIT_FAILED;
                }
                for (KeyroomClient c : new KeyroomClient[] {admin, owner, scoutClient, builderClient}) {
                    c.close();
                }
            }
            out.println("done.");
            out.flush();
            return 0;
        } finally {
            if (keep) {
                out.println("data kept in " + dir);
            } else {
                deleteTree(dir);
            }
        }
    }

    /**
     * Makes a call the server must refuse: prints the refusal's status and code into {@code refusal},
     * or, if the call went through, the {@code unexpected} line; true when it was refused.
     */
    private static boolean refused(PrintWriter out, Runnable call, String unexpected, String refusal) {
        try {
            call.run();
            out.println(unexpected);
            return false;
        } catch (KeyroomApiException e) {
            out.printf(refusal, e.status(), e.code().wireName());
            return true;
        }
    }

    private static KeyroomClient client(KeyroomServer server, Identity id, String pin) {
        return KeyroomClient.builder(server.uri(), id)
                .trust(ServerTrust.pin(pin))
                .build();
    }

    private static String fingerprint(KeyroomClient c, RoomId room) {
        try (SecretBytes k = c.rooms().key(room, Optional.empty())) {
            return HexFormat.of().formatHex(Digests.sha256(k.unsafeBytes()), 0, 4);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
