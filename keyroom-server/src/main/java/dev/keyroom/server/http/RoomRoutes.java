package dev.keyroom.server.http;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.core.rooms.RoomPolicy;
import dev.keyroom.core.rooms.RoomRole;
import dev.keyroom.core.rooms.RoomService;
import dev.keyroom.core.rooms.SealedKey;
import dev.keyroom.protocol.dto.RoomDtos;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The Rooms section of the protocol. */
public record RoomRoutes(RoomService rooms) {
    /** Bound on the members one rekey may name. */
    static final int MAX_REKEY_ENTRIES = 10_000;

    public void register(Router router) {
        router.add("POST", "/v1/rooms", this::create)
                .add("GET", "/v1/rooms/{room}", c -> Reply.ok(Views.room(rooms.get(c.caller(), c.room()))))
                .add(
                        "GET",
                        "/v1/rooms/{room}/members",
                        c -> Reply.ok(new RoomDtos.Members(rooms.members(c.caller(), c.room()).stream()
                                .map(Views::member)
                                .toList())))
                .add("POST", "/v1/rooms/{room}/members", this::addMember)
                .add("DELETE", "/v1/rooms/{room}/members/{endpoint}", c -> {
                    rooms.leave(c.caller(), c.room(), c.endpoint());
                    return Reply.noContent();
                })
                .add("POST", "/v1/rooms/{room}/rekey", this::rekey)
                .add("GET", "/v1/rooms/{room}/key", c -> {
                    SealedKey k = rooms.key(c.caller(), c.room(), c.longQuery("epoch"));
                    return Reply.ok(new RoomDtos.SealedKey(k.epoch(), Base64Url.encode(k.sealed())));
                });
    }

    private Reply create(Call c) {
        RoomDtos.RoomCreate req = c.json(RoomDtos.RoomCreate.class);
        return Reply.created(Views.room(rooms.create(
                c.caller(),
                Optional.ofNullable(req.roomId()).map(RoomId::parse),
                req.name(),
                RoomPolicy.parse(req.policy()),
                Optional.ofNullable(req.owner()).map(EndpointId::parse),
                Optional.ofNullable(req.sealedKey()).map(k -> Base64Url.decode(k, "sealed_key")))));
    }

    private Reply addMember(Call c) {
        RoomDtos.MemberAdd req = c.json(RoomDtos.MemberAdd.class);
        if (req.endpoint() == null || req.role() == null) {
            throw KeyroomException.badRequest("endpoint and role are required");
        }
        rooms.addMember(
                c.caller(),
                c.room(),
                EndpointId.parse(req.endpoint()),
                RoomRole.parse(req.role()),
                Optional.ofNullable(req.sealedKey()).map(k -> Base64Url.decode(k, "sealed_key")));
        return Reply.created(Views.room(rooms.get(c.caller(), c.room())));
    }

    private Reply rekey(Call c) {
        RoomDtos.Rekey req = c.json(RoomDtos.Rekey.class);
        if (req.fromEpoch() == null) {
            throw KeyroomException.badRequest("from_epoch is required");
        }
        List<String> remove = req.remove() == null ? List.of() : req.remove();
        Map<String, String> keys = req.sealedKeys() == null ? Map.of() : req.sealedKeys();
        if (remove.size() > MAX_REKEY_ENTRIES || keys.size() > MAX_REKEY_ENTRIES) {
            throw KeyroomException.badRequest("too many entries in one rekey");
        }
        Set<EndpointId> removeIds = new HashSet<>();
        for (String e : remove) {
            if (!removeIds.add(EndpointId.parse(e))) {
                throw KeyroomException.badRequest("an endpoint is listed twice in remove");
            }
        }
        Map<EndpointId, byte[]> sealed = new HashMap<>();
        for (Map.Entry<String, String> e : keys.entrySet()) {
            sealed.put(EndpointId.parse(e.getKey()), Base64Url.decode(e.getValue(), "sealed_keys"));
        }
        long epoch = rooms.rekey(c.caller(), c.room(), req.fromEpoch(), removeIds, sealed);
        return Reply.ok(new RoomDtos.Epoch(epoch));
    }
}
