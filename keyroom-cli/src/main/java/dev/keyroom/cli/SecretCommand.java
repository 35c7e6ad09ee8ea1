package dev.keyroom.cli;

import dev.keyroom.client.KeyroomApiException;
import dev.keyroom.client.KeyroomClient;
import dev.keyroom.client.SecretValue;
import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.dto.SecretDtos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Secrets. Values never come from the command line (they would show in the process list and shell
 * history): {@code put} reads standard input or {@code --file}; {@code get} writes the value to
 * standard output, or to {@code --out} (replaced atomically, mode 0600).
 *
 * <p>The newline rule, the same both ways: a value is stored without the newline that ends a line
 * of text. {@code put} drops one final newline (LF or CRLF) from what it reads, unless {@code
 * --raw}; {@code get} prints the value and a newline, and {@code --out} writes the value as stored.
 * An empty value is refused.
 */
@Command(
        name = "secret",
        description = {
            "Secrets in a room: put, get, ls, rm, history. Encrypted rooms: sealed here with the room key.",
            "Newlines: put drops one final newline from its input (unless --raw), get prints the value and a"
                    + " newline, get --out writes the value as stored."
        },
        subcommands = {
            SecretCommand.Put.class,
            SecretCommand.Get.class,
            SecretCommand.Ls.class,
            SecretCommand.Rm.class,
            SecretCommand.History.class
        })
final class SecretCommand {
    abstract static class OnSecret extends OnRoom {
        @Parameters(index = "1", description = "Secret name ([A-Za-z0-9._/-], up to 253)")
        String name;
    }

    /** The latest live version, or 0 when there is none. */
    static long currentVersion(KeyroomClient c, RoomId room, String name) {
        try (SecretValue v = c.secrets().get(room, name, Optional.empty())) {
            return v.version();
        } catch (KeyroomApiException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return 0;
            }
            throw e;
        }
    }

    /** The value {@code put} stores from {@code input}: without one final newline unless {@code raw}; never empty. */
    static byte[] value(byte[] input, boolean raw) {
        int end = input.length;
        if (!raw && end > 0 && input[end - 1] == '\n') {
            end -= end > 1 && input[end - 2] == '\r' ? 2 : 1;
        }
        if (end == 0) {
            throw new CliFailure(
                    CliFailure.Code.BAD_INPUT,
                    "the value is empty" + (input.length > 0 ? " (a newline only)" : ""),
                    "pipe it in, e.g. printf 'VALUE' | keyroom secret put ROOM NAME, or give --file FILE");
        }
        return java.util.Arrays.copyOf(input, end);
    }

    @Command(
            name = "put",
            description = "Write the next version; the value is read from standard input or --file, one final"
                    + " newline dropped (unless --raw).")
    static final class Put extends OnSecret {
        @Option(names = "--file", description = "Read the value from this file instead of standard input")
        Path file;

        @Option(names = "--raw", description = "Store the input exactly, a final newline included")
        boolean raw;

        @Option(
                names = "--if-version",
                description = "Write only if the secret is at this version now, a deletion included (0: never written)")
        Long ifVersion;

        @Override
        Printed run(KeyroomClient c) throws IOException {
            byte[] input = file != null ? Files.readAllBytes(file) : System.in.readAllBytes();
            byte[] value;
            try {
                value = value(input, raw);
            } finally {
                java.util.Arrays.fill(input, (byte) 0);
            }
            try {
                long expected = ifVersion != null ? ifVersion : currentVersion(c, roomId(), name);
                long v = c.secrets().put(roomId(), name, value, expected);
                return new Printed(new SecretDtos.SecretVersion(name, v), name + " is at version " + v);
            } finally {
                java.util.Arrays.fill(value, (byte) 0);
            }
        }
    }

    @Command(name = "get", description = "Print a secret's value (the latest version unless --version).")
    static final class Get extends OnSecret {
        @Option(names = "--version", description = "A given version")
        Long version;

        @Option(
                names = "--out",
                description = "Write the value as stored to this file instead of printing it: replaced atomically,"
                        + " mode 0600")
        Path out;

        @Override
        Printed run(KeyroomClient c) throws IOException {
            try (SecretValue v = c.secrets().get(roomId(), name, Optional.ofNullable(version))) {
                byte[] bytes = v.value().unsafeBytes();
                try {
                    if (out != null) {
                        dev.keyroom.core.crypto.KeyFiles.writeSecret(out, bytes, true);
                        return new Printed(
                                Map.of("name", name, "version", v.version(), "out", out.toString()),
                                "wrote version " + v.version() + " of " + name + " to " + out);
                    }
                    String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
                    return new Printed(
                            Map.of("name", name, "version", v.version(), "value", text, "created_by", v.createdBy()),
                            text);
                } finally {
                    java.util.Arrays.fill(bytes, (byte) 0);
                }
            }
        }
    }

    @Command(name = "ls", description = "List a room's secrets (not for agents).")
    static final class Ls extends OnRoom {
        @Override
        Printed run(KeyroomClient c) {
            List<SecretDtos.SecretItem> items = c.secrets().list(roomId());
            return Printed.lines(
                    new SecretDtos.Secrets(items), items, s -> s.name() + " v" + s.version() + " " + s.updatedAt());
        }
    }

    @Command(name = "rm", description = "Delete a secret (a tombstone version; older versions age out).")
    static final class Rm extends OnSecret {
        @Override
        Printed run(KeyroomClient c) {
            c.secrets().delete(roomId(), name);
            return new Printed(Map.of("name", name, "deleted", true), "deleted " + name);
        }
    }

    @Command(
            name = "history",
            description = "List the versions of a secret still kept, newest first (values not shown).")
    static final class History extends OnSecret {
        @Override
        Printed run(KeyroomClient c) {
            long latest = currentVersion(c, roomId(), name);
            List<Map<String, Object>> versions = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            for (long v = latest; v >= 1 && v > latest - 20; v--) {
                try (SecretValue s = c.secrets().get(roomId(), name, Optional.of(v))) {
                    versions.add(Map.of("version", v, "created_by", s.createdBy(), "created_at", s.createdAt()));
                    lines.add("v" + v + " " + s.createdAt() + " " + s.createdBy());
                } catch (KeyroomApiException e) {
                    if (e.code() != ErrorCode.NOT_FOUND) {
                        throw e;
                    }
                }
            }
            return new Printed(Map.of("name", name, "versions", versions), String.join("\n", lines));
        }
    }
}
