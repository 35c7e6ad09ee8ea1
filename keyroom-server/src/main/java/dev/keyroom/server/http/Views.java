package dev.keyroom.server.http;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.rooms.MemberView;
import dev.keyroom.core.rooms.Membership;
import dev.keyroom.core.rooms.Room;
import dev.keyroom.protocol.dto.RoomDtos;
import dev.keyroom.protocol.dto.UserDtos;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/** Domain values rendered as wire DTOs. */
final class Views {
    private Views() {}

    static String time(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t);
    }

    static UserDtos.User user(User u) {
        return new UserDtos.User(
                u.endpoint().value(),
                u.name(),
                u.role().wireName(),
                u.status().wireName(),
                Base64Url.encode(u.signPub()),
                Base64Url.encode(u.kexPub()),
                time(u.createdAt()));
    }

    static RoomDtos.Room room(Room r) {
        return new RoomDtos.Room(
                r.id().value(),
                r.name(),
                r.policy().wireName(),
                r.epoch(),
                r.owner().value(),
                time(r.createdAt()),
                r.rekeyRequired());
    }

    static RoomDtos.Member member(MemberView m) {
        return new RoomDtos.Member(
                m.member().endpoint().value(),
                m.member().role().wireName(),
                Base64Url.encode(m.user().signPub()),
                Base64Url.encode(m.user().kexPub()),
                time(m.member().joinedAt()));
    }

    static RoomDtos.MyRoom myRoom(Membership m) {
        return new RoomDtos.MyRoom(
                m.room().id().value(),
                m.room().name(),
                m.room().policy().wireName(),
                m.room().epoch(),
                m.role().wireName());
    }
}
