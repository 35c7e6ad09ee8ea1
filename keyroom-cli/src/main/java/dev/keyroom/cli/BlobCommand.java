package dev.keyroom.cli;

import dev.keyroom.client.BlobRef;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.rooms.RoomId;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "blob",
        description = "Encrypted attachments.",
        subcommands = {BlobCommand.Put.class, BlobCommand.Get.class})
final class BlobCommand {
    @Command(
            name = "put",
            description = "Encrypt a file here, upload it, and post its reference (with its key) as a room message.")
    static final class Put extends OnRoom {
        @Parameters(index = "1", description = "File to upload (at most 16 MiB once encrypted)")
        Path file;

        @Override
        Printed run(KeyroomClient c) throws Exception {
            RoomId id = roomId();
            try (InputStream in = Files.newInputStream(file);
                    BlobRef ref = c.blobs().put(id, in)) {
                long seq = c.messages().publish(id, ref.toMessage());
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("sha256", ref.sha256());
                out.put("size", ref.size());
                out.put("message_seq", seq);
                return new Printed(
                        out,
                        "uploaded " + ref.sha256() + " (" + ref.size() + " bytes); reference sent as message " + seq);
            }
        }
    }

    @Command(name = "get", description = "Fetch the blob a room message refers to, check and decrypt it here.")
    static final class Get extends OnRoom {
        @Parameters(index = "1", description = "Sequence of the message that carries the reference")
        long seq;

        @Option(names = "--out", required = true, description = "Where to write the file; must not exist")
        Path out;

        @Override
        Printed run(KeyroomClient c) throws Exception {
            RoomId id = roomId();
            var found = c.messages().history(id, seq - 1, 1);
            if (found.isEmpty()
                    || found.getFirst().seq() != seq
                    || !(found.getFirst() instanceof dev.keyroom.client.Delivery.Accepted a)) {
                throw new IllegalArgumentException("no accepted message " + seq + " in that room");
            }
            try (BlobRef ref = BlobRef.fromMessage(a.plaintext());
                    OutputStream o = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW)) {
                c.blobs().get(id, ref, o);
            } catch (RuntimeException | java.io.IOException e) {
                Files.deleteIfExists(out);
                throw e;
            }
            return new Printed(
                    Map.of("file", out.toString(), "bytes", Files.size(out)),
                    "wrote " + Files.size(out) + " bytes to " + out);
        }
    }
}
