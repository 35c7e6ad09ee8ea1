package dev.keyroom.cli;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.protocol.dto.MessageDtos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "send", description = "Publish a message to a room, encrypted and signed here.")
final class SendCommand extends OnRoom {
    @Parameters(index = "1", arity = "0..1", description = "Message text (or use --file)")
    String text;

    @Option(names = "--file", description = "Send the bytes of this file as the message (at most 192 KiB)")
    Path file;

    @Override
    Printed run(KeyroomClient c) throws Exception {
        if ((text == null) == (file == null)) {
            throw new IllegalArgumentException("give the message text or --file, not both");
        }
        byte[] body = file != null ? Files.readAllBytes(file) : text.getBytes(StandardCharsets.UTF_8);
        long seq = c.messages().publish(roomId(), body);
        return new Printed(new MessageDtos.Seq(seq), "sent as " + seq);
    }
}
