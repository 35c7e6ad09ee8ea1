package dev.keyroom.server.http;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.UserService;
import dev.keyroom.core.rooms.RoomService;
import dev.keyroom.protocol.dto.RoomDtos;
import dev.keyroom.protocol.dto.UserDtos;

/** The Users section of the protocol, and {@code /v1/me}. */
public record UserRoutes(UserService users, RoomService rooms) {
    public void register(Router router) {
        router.add("POST", "/v1/users", Router.Access.ADMIN, this::create)
                .add(
                        "GET",
                        "/v1/users",
                        Router.Access.ADMIN,
                        c -> Reply.ok(new UserDtos.Users(
                                users.list(c.caller()).stream().map(Views::user).toList())))
                .add("GET", "/v1/users/{endpoint}", c -> Reply.ok(Views.user(users.get(c.caller(), c.endpoint()))))
                .add(
                        "POST",
                        "/v1/users/{endpoint}/revoke",
                        Router.Access.ADMIN,
                        c -> Reply.ok(Views.user(users.revoke(c.caller(), c.endpoint()))))
                .add(
                        "POST",
                        "/v1/users/{endpoint}/unlock",
                        Router.Access.ADMIN,
                        c -> Reply.ok(Views.user(users.unlock(c.caller(), c.endpoint()))))
                .add("GET", "/v1/me", c -> Reply.ok(Views.user(c.caller())))
                .add(
                        "GET",
                        "/v1/me/rooms",
                        c -> Reply.ok(new RoomDtos.MyRooms(rooms.myRooms(c.caller()).stream()
                                .map(Views::myRoom)
                                .toList())));
    }

    private Reply create(Call c) {
        UserDtos.UserCreate req = c.json(UserDtos.UserCreate.class);
        return Reply.created(Views.user(users.register(
                c.caller(),
                Base64Url.decode(req.signPub(), "sign_pub"),
                Base64Url.decode(req.kexPub(), "kex_pub"),
                req.name(),
                Role.parse(req.role()))));
    }
}
