package dev.keyroom.server.http;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.rooms.MessageService;
import dev.keyroom.core.rooms.StoredMessage;
import dev.keyroom.protocol.dto.Dto;
import dev.keyroom.protocol.envelope.Envelope;
import dev.keyroom.server.auth.UserDirectory;

/** Room messages over REST: publish and history. */
public final class MessageRoutes {
    private final MessageService messages;
    private final UserDirectory users;

    public MessageRoutes(MessageService messages, UserDirectory users) {
        this.messages = messages;
        this.users = users;
    }

    public void register(Router router) {
        router.add("POST", "/v1/rooms/{room}/messages", this::publish)
                .add(
                        "GET",
                        "/v1/rooms/{room}/messages",
                        c -> Reply.ok(new Dto.Messages(messages
                                .history(
                                        c.caller(),
                                        c.room(),
                                        c.longQuery("after").orElse(0L),
                                        c.longQuery("limit").map(Long::intValue).orElse(MessageService.DEFAULT_LIMIT))
                                .stream()
                                .map(MessageRoutes::view)
                                .toList())));
    }

    private Reply publish(Call c) {
        Dto.Publish req = c.json(Dto.Publish.class);
        byte[] bytes = Base64Url.decode(req.envelope(), "envelope");
        Envelope e;
        try {
            e = Envelope.parse(bytes);
        } catch (Envelope.FormatException ex) {
            throw KeyroomException.badRequest("malformed envelope: " + ex.getMessage());
        }
        User sender = users.find(e.sender()).orElseThrow(() -> KeyroomException.badRequest("unknown sender"));
        if (!e.signatureValid(sender.signPub())) {
            throw KeyroomException.badRequest("the envelope's signature does not verify");
        }
        long seq = messages.publish(
                c.caller(),
                c.room(),
                new MessageService.Published(e.room(), e.epoch(), e.sender(), e.messageIdHex(), e.encrypted(), bytes));
        return Reply.created(new Dto.Seq(seq));
    }

    static Dto.Message view(StoredMessage m) {
        return new Dto.Message(
                m.seq(), m.sender().value(), m.epoch(), Views.time(m.receivedAt()), Base64Url.encode(m.envelope()));
    }
}
