package dev.keyroom.server.http;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.rooms.MessageService;
import dev.keyroom.core.rooms.RetentionSetting;
import dev.keyroom.core.rooms.StoredMessage;
import dev.keyroom.protocol.dto.MessageDtos;
import dev.keyroom.protocol.dto.RoomDtos;
import dev.keyroom.protocol.envelope.PublishedEnvelope;

/** Room messages over REST: publish and history. */
public record MessageRoutes(MessageService messages) {
    public void register(Router router) {
        router.add("POST", "/v1/rooms/{room}/messages", this::publish)
                .add(
                        "GET",
                        "/v1/rooms/{room}/messages",
                        c -> Reply.ok(new MessageDtos.Messages(messages
                                .history(
                                        c.caller(),
                                        c.room(),
                                        c.longQuery("after").orElse(0L),
                                        c.longQuery("limit").map(Long::intValue).orElse(MessageService.DEFAULT_LIMIT))
                                .stream()
                                .map(MessageRoutes::view)
                                .toList())))
                .add("GET", "/v1/rooms/{room}/retention", c -> Reply.ok(view(messages.retention(c.caller(), c.room()))))
                .add("PUT", "/v1/rooms/{room}/retention", c -> {
                    RoomDtos.RetentionSet req = c.json(RoomDtos.RetentionSet.class);
                    RetentionSetting setting = new RetentionSetting(
                            java.util.Optional.ofNullable(req.retainCount()),
                            java.util.Optional.ofNullable(req.retainDays()),
                            java.util.Optional.ofNullable(req.secretVersions()));
                    return Reply.ok(view(messages.setRetention(c.caller(), c.room(), setting)));
                });
    }

    static RoomDtos.Retention view(MessageService.RetentionView r) {
        return new RoomDtos.Retention(
                r.effective().count(),
                (int) r.effective().age().toDays(),
                r.secretVersions(),
                r.setting().count().orElse(null),
                r.setting().days().orElse(null),
                r.setting().secretVersions().orElse(null));
    }

    private Reply publish(Call c) {
        MessageDtos.Publish req = c.json(MessageDtos.Publish.class);
        byte[] bytes = Base64Url.decode(req.envelope(), "envelope");
        long seq = KeyroomException.await(
                messages.publish(c.caller(), c.room(), PublishedEnvelope.signedBy(c.caller(), bytes)));
        return Reply.created(new MessageDtos.Seq(seq));
    }

    static MessageDtos.Message view(StoredMessage m) {
        return new MessageDtos.Message(
                m.seq(), m.sender().value(), m.epoch(), Views.time(m.receivedAt()), Base64Url.encode(m.envelope()));
    }
}
