package dev.keyroom.protocol.dto;

import java.util.List;

/** The JSON bodies of a room's {@code messages}. */
public final class MessageDtos {
    private MessageDtos() {}

    public record Publish(String envelope) {}

    public record Seq(long seq) {}

    public record Message(long seq, String sender, long epoch, String receivedAt, String envelope) {}

    public record Messages(List<Message> messages) {}
}
